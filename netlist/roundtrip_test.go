package netlist

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/circuit"
)

// randomNetlist writes a random valid netlist, using every card and block,
// with odd names and values with full mantissas, and its sidecars into
// dir, their file names starting with prefix; it returns the netlist's
// path.
func randomNetlist(t testing.TB, rng *rand.Rand, dir, prefix string) string {
	t.Helper()
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	names := 0
	odd := []string{"", "-x", ".y", "_ü", `"q"`, `\b`, "'s", "#h", "[0]x"}
	name := func(prefix string) string {
		names++
		return prefix + strconv.Itoa(names) + odd[rng.IntN(len(odd))]
	}
	value := func() string {
		v := math.Exp(rng.NormFloat64()*3) * 1e-3
		switch rng.IntN(4) {
		case 0:
			return formatNumber(v)
		case 1:
			return strconv.Quote(strconv.FormatFloat(v*1e3, 'g', -1, 64) + "m")
		case 2:
			return strconv.Quote(strconv.FormatFloat(v*1e-3, 'e', -1, 64) + "K")
		}
		return strconv.Itoa(1 + rng.IntN(1000))
	}
	signed := func() string {
		v := value()
		switch {
		case rng.IntN(2) == 0:
			return v
		case strings.HasPrefix(v, `"`):
			return `"-` + v[1:]
		}
		return "-" + v
	}
	if rng.IntN(2) == 0 {
		p("title = %s\n", quote(name("t")+"\n\ttitle"))
	}
	if rng.IntN(2) == 0 {
		p("[options]\ntemp = %s\nnode_capacitance = %s\n", formatNumber(250+100*rng.Float64()), value())
	}
	models := []string{name("d"), name("d")}
	for _, m := range models {
		p("[models.%s]\ntype = \"diode\"\nis = %s\nn = %s\n", tomlKey(m), formatNumber(1e-15*(1+rng.Float64())), formatNumber(1+rng.Float64()))
		// Real parts, each on a third of the models.
		if rng.IntN(3) == 0 {
			p("rs = %s\n", formatNumber(math.Pow(10, -2+4*rng.Float64())))
		}
		if rng.IntN(3) == 0 {
			p("bv = %s\n", formatNumber(1+50*rng.Float64()))
			if rng.IntN(2) == 0 {
				p("ibv = %s\n", formatNumber(math.Pow(10, -9+6*rng.Float64())))
			}
		}
	}
	var nodes []string // free nodes, for cards to connect to
	type grp struct {
		name string
		size int
	}
	var groups []grp
	for range 1 + rng.IntN(3) {
		g := grp{name("g"), 1 + rng.IntN(4)}
		if strings.ContainsAny(g.name, "[]") {
			g.name = strings.NewReplacer("[", "(", "]", ")").Replace(g.name)
		}
		p("[[group]]\nname = %s\nsize = %d\n", quote(g.name), g.size)
		groups = append(groups, g)
		for i := range g.size {
			nodes = append(nodes, fmt.Sprintf("%s[%d]", g.name, i))
		}
	}
	var inputs []grp
	for k := range rng.IntN(3) {
		in := grp{fmt.Sprintf("in%d", k), 1 + rng.IntN(3)}
		diff := rng.IntN(2) == 0
		p("[[input]]\nname = %q\nsize = %d\n", in.name, in.size)
		n := in.size
		if diff {
			p("encoding = \"differential\"\n")
			n *= 2
		}
		if rng.IntN(2) == 0 {
			p("amplitude = %s\n", signed())
		}
		vals := make([]float64, in.size)
		for i := range vals {
			vals[i] = rng.NormFloat64()
		}
		switch rng.IntN(3) {
		case 0:
			f := prefix + in.name + ".npy"
			writeNpyio(t, filepath.Join(dir, f), vals)
			p("values = %q\n", f)
		case 1:
			var s []string
			for _, v := range vals {
				s = append(s, formatNumber(v))
			}
			p("values = [%s]\n", strings.Join(s, ", "))
		}
		inputs = append(inputs, grp{in.name, n})
	}
	all := append(append([]grp(nil), groups...), inputs...)
	pick := func(gs []grp) grp { return gs[rng.IntN(len(gs))] }
	for range rng.IntN(4) {
		from, to := pick(all), pick(groups)
		p("[[crossbar]]\nname = %s\nfrom = %q\nto = %q\n", quote(name("W")), from.name, to.name)
		if rng.IntN(2) == 0 {
			p("trainable = true\n")
		}
		switch rng.IntN(3) {
		case 0:
			p("init = \"uniform\"\nlow = 1e-6\nhigh = %s\nseed = %d\n", formatNumber(1e-6+rng.Float64()*1e-5), rng.IntN(100))
		case 1:
			p("init = \"constant\"\ng = %s\n", value())
		default:
			data := make([]float64, from.size*to.size)
			for i := range data {
				data[i] = rng.Float64() + 1e-9
			}
			f := fmt.Sprintf("%sm%d.npy", prefix, names)
			os.WriteFile(filepath.Join(dir, f), encodeNpy([]int{from.size, to.size}, data), 0o644)
			p("matrix = %q\n", f)
		}
	}
	if rng.IntN(2) == 0 {
		g := pick(all)
		p("[[rectifier]]\nname = %s\ngroup = %q\nmodel = %s\nhigh = \"0\"\nlow = %s\n", quote(name("RH")), g.name, quote(models[0]), quote(pick2(rng, nodes)))
	}
	if rng.IntN(2) == 0 {
		// The amplifier drives a group of its own.
		from := pick(all)
		to := grp{name("ha"), from.size}
		to.name = strings.NewReplacer("[", "(", "]", ")").Replace(to.name)
		p("[[group]]\nname = %q\nsize = %d\n", to.name, to.size)
		p("[[amplifier]]\nname = %s\nfrom = %q\nto = %q\ngain = %s\n", quote(name("A")), from.name, to.name, signed())
		if rng.IntN(2) == 0 {
			p("swing = %s\n", value())
		}
		if rng.IntN(2) == 0 {
			p("rout = %s\n", value())
		}
	}
	nodes = append(nodes, "n1", "n2", "n3")
	two := func() string { return fmt.Sprintf("[%s, %s]", quote(pick2(rng, nodes)), quote(pick2(rng, nodes))) }
	for range 1 + rng.IntN(8) {
		nm := quote(name("E"))
		switch rng.IntN(8) {
		case 0:
			p("[[resistor]]\nname = %s\nnodes = %s\nr = %s\n", nm, two(), value())
		case 1:
			p("[[resistor]]\nname = %s\nnodes = %s\ng = %s\ntrainable = %v\n", nm, two(), value(), rng.IntN(2) == 0)
		case 2:
			p("[[diode]]\nname = %s\nnodes = %s\nmodel = %s\n", nm, two(), quote(models[rng.IntN(2)]))
		case 3:
			p("[[isource]]\nname = %s\nnodes = %s\ni = %s\n", nm, two(), signed())
		case 4:
			p("[[capacitor]]\nname = %s\nnodes = %s\nc = %s\n", nm, two(), value())
		case 5:
			fresh := fmt.Sprintf("v%d", names)
			other := "0"
			if rng.IntN(2) == 0 {
				other = pick2(rng, nodes) // floating
			}
			p("[[vsource]]\nname = %s\nnodes = [%q, %s]\nv = %s\n", nm, fresh, quote(other), signed())
			p("[[cccs]]\nname = %s\nnodes = %s\ncontrol = %s\ngain = %s\n", quote(name("F")), two(), nm, signed())
			nodes = append(nodes, fresh)
		case 6:
			fresh := fmt.Sprintf("e%d", names)
			p("[[vcvs]]\nname = %s\nnodes = [%q, \"gnd\"]\ncontrol = %s\ngain = %s\n", nm, fresh, two(), signed())
			nodes = append(nodes, fresh)
		case 7:
			fresh := fmt.Sprintf("s%d", names)
			p("[[vsource]]\nname = %s\nnodes = [%q, \"0\"]\nv = %s\n", nm, fresh, signed())
			nodes = append(nodes, fresh)
		}
	}
	// A DC path to ground for every node.
	for i, n := range nodes {
		p("[[resistor]]\nname = \"Rg%d\"\nnodes = [%s, \"0\"]\nr = %s\n", i, quote(n), value())
	}
	if rng.IntN(2) == 0 {
		p("[limits]\n")
		for _, k := range []string{"input", "device_voltage", "device_power", "power", "amplifier_output", "diode_reverse", "diode_current"} {
			if rng.IntN(2) == 0 {
				p("%s = %s\n", k, value())
			}
		}
	}
	path := filepath.Join(dir, prefix+"random.toml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func pick2(rng *rand.Rand, s []string) string { return s[rng.IntN(len(s))] }

// writeBack writes nl to out with WriteFile and parses it again, failing
// the test if either fails; it returns what it read and the text written.
func writeBack(t testing.TB, what string, nl *Netlist, out string) (*Netlist, []byte) {
	t.Helper()
	if err := WriteFile(out, nl); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	text, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseFile(out)
	if err != nil {
		t.Fatalf("%s: written netlist does not parse: %v\n%s", what, err, text)
	}
	return back, text
}

// renderBack renders nl in memory, as dir/name.toml with its sidecars in
// dir, and parses it again, failing the test if either fails; it returns
// what it read and the text rendered.
func renderBack(t testing.TB, nl *Netlist, dir string) (*Netlist, []byte) {
	t.Helper()
	text, side, err := render(nl, "fuzz")
	if err != nil {
		t.Fatalf("accepted netlist cannot be written: %v", err)
	}
	mem := map[string][]byte{}
	for _, s := range side {
		mem[filepath.Join(dir, s.name)] = s.data
	}
	back, err := parse(text, filepath.Join(dir, "fuzz.toml"), func(name string) ([]byte, error) {
		if b, ok := mem[name]; ok {
			return b, nil
		}
		return nil, fmt.Errorf("no sidecar %s", name)
	})
	if err != nil {
		t.Fatalf("written netlist does not parse: %v\n%s", err, text)
	}
	return back, text
}

// sameCircuit fails unless a and b are the same circuit, by Diff and by
// reflect.DeepEqual.
func sameCircuit(t testing.TB, what string, a, b *circuit.Circuit) {
	t.Helper()
	if d := Diff(a, b); d != "" {
		t.Fatalf("%s: %s", what, d)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("%s: not reflect.DeepEqual", what)
	}
}

// TestRoundTripRandom writes random netlists back and reads them again.
func TestRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for k := range 200 {
		dir := t.TempDir()
		path := randomNetlist(t, rng, dir, "")
		nl, err := ParseFile(path)
		if err != nil {
			src, _ := os.ReadFile(path)
			t.Fatalf("netlist %d: %v\n%s", k, err, src)
		}
		out := filepath.Join(dir, "out", "w.toml")
		os.Mkdir(filepath.Dir(out), 0o755)
		what := fmt.Sprint("netlist ", k)
		back, _ := writeBack(t, what, nl, out)
		sameCircuit(t, what, nl.Circuit, back.Circuit)
		if !reflect.DeepEqual(nl.Limits, back.Limits) {
			t.Fatalf("netlist %d: limits %+v written back as %+v", k, nl.Limits, back.Limits)
		}
	}
}
