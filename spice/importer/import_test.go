package importer

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/circuit"
)

// importText imports a deck given as text, named deck.cir.
func importText(src string) (*Deck, error) {
	return Import(strings.NewReader(src), "deck.cir")
}

// dumpElements describes the elements of c one a line, values exact.
func dumpElements(c *circuit.Circuit) []string {
	var out []string
	for _, e := range c.Elements {
		var s string
		switch e := e.(type) {
		case *circuit.Resistor:
			s = fmt.Sprintf("R %s %s %s g=%v", e.Name, e.Nodes[0], e.Nodes[1], e.G)
		case *circuit.Capacitor:
			s = fmt.Sprintf("C %s %s %s c=%v", e.Name, e.Nodes[0], e.Nodes[1], e.C)
		case *circuit.Diode:
			s = fmt.Sprintf("D %s %s %s %s is=%v n=%v", e.Name, e.Nodes[0], e.Nodes[1], e.Model.Name, e.Model.IS, e.Model.N)
		case *circuit.VSource:
			s = fmt.Sprintf("V %s %s %s v=%v", e.Name, e.Nodes[0], e.Nodes[1], e.V)
		case *circuit.ISource:
			s = fmt.Sprintf("I %s %s %s i=%v", e.Name, e.Nodes[0], e.Nodes[1], e.I)
		case *circuit.VCVS:
			s = fmt.Sprintf("E %s %s %s %s %s gain=%v", e.Name, e.Nodes[0], e.Nodes[1], e.Control[0], e.Control[1], e.Gain)
		case *circuit.CCCS:
			s = fmt.Sprintf("F %s %s %s %s gain=%v", e.Name, e.Nodes[0], e.Nodes[1], e.Control, e.Gain)
		default:
			s = fmt.Sprintf("%T %s", e, e.Label())
		}
		out = append(out, s)
	}
	return out
}

// TestImportCards checks every card form Import reads against the element
// it must give, value for value. It is long because it is one table, a case
// per form.
func TestImportCards(t *testing.T) {
	deg := math.Pi / 180
	for _, tc := range []struct {
		name, deck string
		want       []string
	}{
		{"resistor forms", `title
V1 a 0 1
R1 a 0 1k
R2 a 0 r=2k
R3 a 0 resistance = 4k
R4 a 0 1k m=2
R5 a 0 10kohm
R6 a 0 1meg
R7 a 0 2.2
R8 a 0 -500
`, []string{"V V1 a 0 v=1", "R R1 a 0 g=0.001", "R R2 a 0 g=0.0005", "R R3 a 0 g=0.00025",
			"R R4 a 0 g=0.002", "R R5 a 0 g=0.0001", "R R6 a 0 g=1e-06", fmt.Sprintf("R R7 a 0 g=%v", 1/2.2),
			"R R8 a 0 g=-0.002"}},
		{"parameters", `title
.param rv = 1k
.param two = {rv*2} half='rv / 2'
.param later = {early + 1}
.param early = 1
.PARAM Case = 3
V1 a 0 {later}
R1 a 0 {rv}
R2 a 0 {two}
R3 a 0 'half'
R4 a 0 {-(1 + 2) * -rv}
R5 a 0 {CASE*1k}
`, []string{"V V1 a 0 v=2", "R R1 a 0 g=0.001", "R R2 a 0 g=0.0005", "R R3 a 0 g=0.002",
			fmt.Sprintf("R R4 a 0 g=%v", 1/3000.0), fmt.Sprintf("R R5 a 0 g=%v", 1/3000.0)}},
		{"last definition wins", `title
.param c = 3
.param c = 4
V1 a 0 {c}
R1 a 0 1
`, []string{"V V1 a 0 v=4", "R R1 a 0 g=1"}},
		{"capacitors", `title
V1 a 0 1
R1 a 0 1
C1 a 0 1p
C2 a 0 c=2p m=3
C3 a 0 10uF ic=1
`, []string{"V V1 a 0 v=1", "R R1 a 0 g=1", "C C1 a 0 c=1e-12", fmt.Sprintf("C C2 a 0 c=%v", 2e-12*3), "C C3 a 0 c=1e-05"}},
		{"sources", `title
V1 a 0 5
V2 b 0 DC 3
V3 c 0 dc=2
V4 d 0 dc 1 ac 1 0
V5 e 0 PULSE(1 5 1u 1n 1n 1u 2u)
V6 f 0 AC 1
V7 g 0 SIN(0.5 2 1k 0 0 30)
V8 h 0 PWL(1m 2 2m 3)
V9 i 0 PWL(-1m 2 1m 3)
V10 j 0 EXP(0.7 2 1u 1u 2u 1u)
V11 k 0 SFFM(0.3 1 1k 2 100 30 45)
V12 l 0 1 PULSE(2 3 0 1n 1n 1 2)
V13 m 0
I1 a b 1m
I2 a b DC 2mA
I3 a b dc = -3u
R1 a 0 1
`, []string{"V V1 a 0 v=5", "V V2 b 0 v=3", "V V3 c 0 v=2", "V V4 d 0 v=1", "V V5 e 0 v=1", "V V6 f 0 v=0",
			fmt.Sprintf("V V7 g 0 v=%v", 0.5+2*math.Sin(30*deg)), "V V8 h 0 v=2", "V V9 i 0 v=2.5", "V V10 j 0 v=0.7",
			fmt.Sprintf("V V11 k 0 v=%v", 0.3+math.Sin(30*deg+2*math.Sin(45*deg))), "V V12 l 0 v=1", "V V13 m 0 v=0",
			"I I1 a b i=0.001", "I I2 a b i=0.002", "I I3 a b i=-3e-06", "R R1 a 0 g=1"}},
		{"controlled sources", `title
V1 a 0 1
R1 a 0 1k
E1 b 0 a 0 2
R2 b 0 1k
F1 c 0 V1 3
R3 c 0 1k
F2 d 0 e1 -1.5
R4 d 0 1k
`, []string{"V V1 a 0 v=1", "R R1 a 0 g=0.001", "E E1 b 0 a 0 gain=2", "R R2 b 0 g=0.001",
			"F F1 c 0 V1 gain=3", "R R3 c 0 g=0.001", "F F2 d 0 E1 gain=-1.5", "R R4 d 0 g=0.001"}},
		{"diodes and models", `title
.model dm D(IS=1e-12 N=1.5)
.MODEL dn d IS=2e-14
+ n=1.2 cjo=2p tt=1n
.model da D (is=1e-14 area=2)
V1 a 0 1
R1 a b 1k
D1 b 0 dm
D2 b 0 DN
D3 b 0 dm 3
D4 b 0 dm area=3 off
D5 b 0 da
D6 b 0 da 1
`, []string{"V V1 a 0 v=1", "R R1 a b g=0.001", "D D1 b 0 dm is=1e-12 n=1.5", "D D2 b 0 dn is=2e-14 n=1.2",
			fmt.Sprintf("D D3 b 0 dm_2 is=%v n=1.5", 3e-12), fmt.Sprintf("D D4 b 0 dm_2 is=%v n=1.5", 3e-12),
			"D D5 b 0 da is=2e-14 n=1", "D D6 b 0 da_2 is=1e-14 n=1"}},
		{"case, comments and continuation", `title
* a comment
V1 IN 0 $ the supply
+ DC 5 ; five volts
R1 in Mid 1k // upper
  * indented comment
+ m=1
r2 MID gnd
+
+ 1K
R3 mid GND 2k $ to ground
;R4 in 0 1
.end
R5 after end
`, []string{"V V1 IN 0 v=5", "R R1 IN Mid g=0.001", "R r2 Mid 0 g=0.001", "R R3 Mid 0 g=0.0005"}},
		{"global nodes", `title
.global vdd
Vdd vdd 0 2
.subckt s o
R1 vdd o 1k
R2 o 0 1k
.ends
X1 g s
`, []string{"V Vdd vdd 0 v=2", "R X1.R1 vdd g g=0.001", "R X1.R2 g 0 g=0.001"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := importText(tc.deck)
			if err != nil {
				t.Fatal(err)
			}
			got := dumpElements(d.Circuit)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("elements:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestImportResistorTemperature checks tc1 and tc2 against ngspice's
// R*(1 + tc1*dT + tc2*dT^2), dT the temperature above tnom.
func TestImportResistorTemperature(t *testing.T) {
	d, err := importText("title\n.options temp=50 tnom=20\nV1 a 0 1\nR1 a 0 1k tc1=0.01 tc2=1e-4\nC1 a 0 1p tc1=0.01\n")
	if err != nil {
		t.Fatal(err)
	}
	dt := 30.0
	r := d.Circuit.Elements[1].(*circuit.Resistor)
	if want := 1 / (1e3 * (1 + 0.01*dt + 1e-4*dt*dt)); math.Abs(r.G-want) > 1e-15*want {
		t.Errorf("G = %v, want %v", r.G, want)
	}
	c := d.Circuit.Elements[2].(*circuit.Capacitor)
	if want := 1e-12 * (1 + 0.01*dt); math.Abs(c.C-want) > 1e-15*want {
		t.Errorf("C = %v, want %v", c.C, want)
	}
}

func TestImportTemperatures(t *testing.T) {
	minus40 := -40.0 // added at run time, as ngspice adds
	for _, tc := range []struct {
		cards      string
		temp, tnom float64
	}{
		{"", 0, 0},
		{".options temp=50", 323.15, 300.15},
		{".options temp=27 tnom=27", 300.15, 0},
		{".options tnom=50", 0, 323.15},
		{".temp 36.85", 36.85 + 273.15, 300.15},
		{".option TEMP = -40 TNOM=-40", minus40 + 273.15, 0},
		{".param t=60\n.options temp={t} reltol=1e-6 noacct", 333.15, 300.15},
		{".options temp=50\n.options temp=27", 300.15, 0},
	} {
		d, err := importText("title\n" + tc.cards + "\nV1 a 0 1\nR1 a 0 1\n")
		if err != nil {
			t.Errorf("%q: %v", tc.cards, err)
			continue
		}
		if d.Circuit.Temp != tc.temp || d.Circuit.TNom != tc.tnom {
			t.Errorf("%q: Temp %v, TNom %v, want %v, %v", tc.cards, d.Circuit.Temp, d.Circuit.TNom, tc.temp, tc.tnom)
		}
	}
}

// TestImportErrors checks that every card Import cannot read is an
// *ImportError at the card's first line, and that no deck comes back. It is
// long because it is one table, a case per error.
func TestImportErrors(t *testing.T) {
	for _, tc := range []struct {
		deck string
		line int
		msg  string
	}{
		{"t\nV1 a 0 1\nQ1 c b e qmod\n", 3, `card "Q1 c b e qmod": eqsim cannot represent BJTs (Q)`},
		{"t\nM1 d g s b nmos\n", 2, "MOSFETs (M)"},
		{"t\nJ1 d g s jmod\n", 2, "JFETs (J)"},
		{"t\nL1 a b 1u\n", 2, "inductors (L)"},
		{"t\nK1 L1 L2 0.9\n", 2, "coupled inductors (K)"},
		{"t\nB1 a 0 V=v(b)*2\n", 2, "behavioural sources (B)"},
		{"t\nG1 a 0 b 0 1m\n", 2, "voltage-controlled current sources (G)"},
		{"t\nH1 a 0 V1 1k\n", 2, "current-controlled voltage sources (H)"},
		{"t\nS1 a b c d sw\n", 2, "switches (S)"},
		{"t\nT1 a 0 b 0 z0=50\n", 2, "transmission lines (T)"},
		{"t\n%x a b\n", 2, "unknown element type"},
		{"t\nV1 a 0 1\nE1 b 0 poly(1) a 0 0 2\n", 3, "only the linear form"},
		{"t\nV1 a 0 1\nE1 b 0 value={v(a)*2}\n", 3, "only the linear form"},
		{"t\nV1 a 0 1\nE1 b 0 vol='v(a)*2'\n", 3, "only the linear form"},
		{"t\nV1 a 0 1\nF1 b 0 poly(1) V1 0 2\n", 3, "only the linear form"},
		{"t\nE1 b 0 a 0\n", 2, "a VCVS is"},
		{"t\nF1 b 0 V1\n", 2, "a CCCS is"},
		{"t\nR1 a 0\n", 2, "missing resistance"},
		{"t\nR1 a\n", 2, "needs 2 nodes"},
		{"t\nR1 a 0 0\n", 2, "resistance 0"},
		{"t\nR1 a 0 1k rmod\n", 2, "semiconductor resistor and capacitor models are not supported"},
		{"t\nR1 a 0 1k r=2k\n", 2, "given twice"},
		{"t\nR1 a 0 1k scale=2\n", 2, "parameter scale is not supported"},
		{"t\nR1 a 0 1k m=0\n", 2, "m must be positive"},
		{"t\nR1 a 0 4k7\n", 2, "4k7"},
		{"t\nR1 a 0 1a\n", 2, "ambiguous"},
		{"t\nR1 a 0 rv\n", 2, `"rv" is not a number (write {rv} to use a parameter)`},
		{"t\nR1 a 0 {rv}\n", 2, "unknown parameter rv"},
		{"t\nR1 a 0 {1/0}\n", 2, "division by zero"},
		{"t\nR1 {a} 0 1\n", 2, "a node cannot be an expression"},
		{"t\nR1 a 0 1k m=2 = 3\n", 2, "= without a name"},
		{"t\nR1 a 0 r=\n", 2, "without a value"},
		{"t\n.param a = {1/0}\nV1 x 0 1\nR1 x 0 {a}\n", 2, "parameter a: division by zero"},
		{"t\n.param a = {b}\n.param b = {a}\nV1 x 0 1\nR1 x 0 {a}\n", 2, "depends on itself"},
		{"t\n.param f(x) = 2*x\n", 2, "functions"},
		{"t\nD1 a 0\n", 2, "missing model name"},
		{"t\nD1 a 0 nosuch\n", 2, "unknown model nosuch"},
		{"t\n.model q1 npn(bf=100)\nD1 a 0 q1\n", 3, "not a diode model"},
		{"t\n.model d D(RS=10)\nD1 a 0 d 2\n", 3, "area factor (2) with a model with RS or BV is not supported yet"},
		{"t\n.model d D(BV=-5)\nD1 a 0 d\n", 2, "BV must be positive"},
		{"t\n.model d D(RS=-1)\nD1 a 0 d\n", 2, "RS must be positive"},
		{"t\n.model d D(BV=5 TBV1=1m)\nD1 a 0 d\n", 2, "TBV1 is not supported yet"},
		{"t\n.model d D(BV=5 NBV=2)\nD1 a 0 d\n", 2, "NBV is not supported yet"},
		{"t\n.model d D(IK=1m)\nD1 a 0 d\n", 2, "IK is not supported yet"},
		{"t\n.model d D(level=3)\nD1 a 0 d\n", 2, "LEVEL is not supported yet"},
		{"t\n.model d D(IS=0)\nD1 a 0 d\n", 2, "IS must be positive"},
		{"t\n.model d D(N=-1)\nD1 a 0 d\n", 2, "N must be positive"},
		{"t\n.model d D(XYZ=1)\nD1 a 0 d\n", 2, "unknown diode model parameter XYZ"},
		{"t\n.options temp=50\n.model d D(EG=0.69)\nD1 a 0 d\n", 3, "EG=0.69 is not supported yet away from the nominal temperature"},
		{"t\n.model d D(TNOM=50)\nD1 a 0 d\n", 2, "one nominal temperature"},
		{"t\n.model d D\n.model D D\n", 3, "defined twice"},
		{"t\n.model d\n", 2, "needs a name and a type"},
		{"t\n.model d D(IS=1e-14)\nD1 a 0 d m=2\n", 3, "m=2 is not supported yet"},
		{"t\n.model d D(IS=1e-14)\nD1 a 0 d dtemp=5\n", 3, "temperature of its own"},
		{"t\n.model d D(IS=1e-14)\nD1 a 0 d 2 3\n", 3, "unexpected 3"},
		{"t\nV1 a 0 1 2\n", 2, "given already"},
		{"t\nV1 a 0 DC\n", 2, "DC without a value"},
		{"t\nV1 a 0 1 dc=2\n", 2, "given twice"},
		{"t\nV1 a 0 foo\n", 2, "unexpected foo"},
		{"t\nV1 a 0 AM(1 0 1k 1meg)\n", 2, "cannot represent AM sources"},
		{"t\nV1 a 0 PWL(0 1 1)\n", 2, "pairs"},
		{"t\nV1 a 0 SIN(1)\n", 2, "VO and VA"},
		{"t\nV1 a 0 PULSE 1 2 SIN 0 1\n", 2, "two transient functions"},
		{"t\nI1 a 0 1 m=2\n", 2, "parameter m is not supported"},
		{"t\n.include models.lib\n", 2, ".include is not supported"},
		{"t\n.lib models.lib tt\n", 2, ".lib is not supported"},
		{"t\n.func f(x) {2*x}\n", 2, ".func is not supported"},
		{"t\n.if (a == 1)\n", 2, ".if is not supported"},
		{"t\n.foo bar\n", 2, "unknown control card .foo"},
		{"t\n.ends\n", 2, ".ends without .subckt"},
		{"t\n.subckt s a b\nR1 a b 1\n", 2, ".subckt s without .ends"},
		{"t\n.subckt s a b\nR1 a b 1\n.ends t\n", 4, ".ends t closes .subckt s"},
		{"t\n.subckt s a a\n.ends\n", 2, "port a is listed twice"},
		{"t\n.subckt s a 0\n.ends\n", 2, "a port cannot be ground"},
		{"t\n.subckt s a\n.ends\n.subckt S b\n.ends\n", 4, "defined twice"},
		{"t\n.subckt s a\n.options temp=1\n.ends\n", 3, "inside .subckt s"},
		{"t\nX1 a b nosuch\n", 2, "unknown subcircuit nosuch"},
		{"t\nX1\n", 2, "missing subcircuit name"},
		{"t\n.subckt s a b\nR1 a b 1\n.ends\nX1 a s\n", 5, "1 nodes for subcircuit s, which has 2 ports"},
		{"t\n.subckt s a\nX1 a s\n.ends\nX1 n s\n", 3, "contains an instance of itself"},
		{"t\n.subckt s a params: r=1\nR1 a 0 {r}\n.ends\nX1 n s q=2\n", 5, "has no parameter q"},
		{"t\n.subckt s a params: r=1\nR1 a 0 {r}\n.ends\nX1 n s r={nope}\n", 5, "unknown parameter nope"},
		{"t\n.subckt s a params: r=1\nR1 a 0 {r}\n.ends\nX1 n s r=1 extra\n", 5, "after name=value"},
		{"t\n.subckt s a\nR1 a 0 {1/0}\n.ends\nV1 n 0 1\nX1 n s\n", 3, "in instance X1 (X card at line 6): division by zero"},
		{"t\n.subckt outer a\n.subckt inner b\nR1 b 0 1\n.ends\nX1 a inner\n.ends\nX1 n inner\n", 8, "unknown subcircuit inner"},
		{"t\nV1 a 0 1\nR1 a 0 1\nr1 a 0 2\n", 4, "duplicate element name r1 (first at line 3)"},
		{"t\nV1 a 0 1\nF1 b 0 Vx 2\nR1 b 0 1\n", 3, "no voltage source named Vx"},
		{"t\nV1 a 0 1\nR9 a 0 1\nF1 b 0 R9 2\nR1 b 0 1\n", 4, "not a voltage source"},
		{"t\nV1 a 0 1\nR1 a 0 1\nC1 a b 1p\n", 4, "no DC path"},
		{"t\nV1 a 0 1\nV2 a 0 2\n", 3, "loop"},
		{"t\n.subckt s p\nR1 p mid 1\nR2 mid 0 1\n.ends\nV1 x1.mid 0 1\nX1 n s\n", 3, "has the name of node x1.mid"},
		{"t\n.subckt in a\nR1 a m 1\nR2 m 0 1\n.ends\n.subckt out a\nX2 a in\n.ends\nV1 n 0 1\nX1 n out\nX1.X2 n in\n", 11, "instance X1.X2 has the path of the instance at line 7"},
		{"t\n.options temp=-300\nR1 a 0 1\n", 2, "not above absolute zero"},
		{"t\n.options rshunt=1e9\n", 2, "rshunt"},
		{"t\n.temp 1 2\n", 2, ".temp takes one"},
		{"t\n.global 0\n", 2, "not a node name"},
		{"t\n+ R1 a 0 1\n", 2, "continuation line"},
		{"t\nV1 a 0 1\nR1 a\x01 0 1\n", 3, "control character U+0001"},
		{"t\nV1 a 0 1\nR1 a\xff 0 1\n", 3, "invalid UTF-8 at byte 5"},
		{"t\nV1 a 0 1\nR1 a\u00a0b 0 1\n", 3, "space character U+00A0"},
		{"t\n.control\nop\n", 2, ".control without .endc"},
		{"t\n.endc\n", 2, ".endc without .control"},
		{"t\n* nothing\n", 0, "no elements"},
		{"t\n.op\n", 0, "no elements"},
		{"t\n* node \"a\" = n1\n* node \"b\" = n1\n", 3, "second eqsim name for node n1"},
		{"t\n* node \"0\" = n1\nV1 n1 0 1\n", 3, "ground"},
		{"t\n* node \"a b\" = n1\n", 2, `eqsim node name "a b" is empty or holds a space`},
		{"t\n* element \"\" = r1\n", 2, "is empty"},
		{"t\n* node \"b\" = n1\nV1 n1 0 1\nR1 n1 b 1\n", 4, "the name of another node"},
	} {
		d, err := importText(tc.deck)
		var e *ImportError
		if !errors.As(err, &e) {
			t.Errorf("%q: error %v (%T), want an *ImportError", tc.deck, err, err)
			continue
		}
		if d != nil {
			t.Errorf("%q: a deck came back with the error", tc.deck)
		}
		if e.File != "deck.cir" || e.Line != tc.line || !strings.Contains(e.Error(), tc.msg) {
			t.Errorf("%q:\n got %s (line %d)\nwant line %d and %q", tc.deck, e, e.Line, tc.line, tc.msg)
		}
		if e.Line > 0 && !strings.HasPrefix(e.Error(), fmt.Sprintf("deck.cir:%d: ", e.Line)) {
			t.Errorf("%q: error %q does not start with file and line", tc.deck, e)
		}
	}
}

func TestImportErrorFormat(t *testing.T) {
	_, err := importText("title\nV1 a 0 1\n\nQ1 c b e qmod\n")
	want := `deck.cir:4: card "Q1 c b e qmod": eqsim cannot represent BJTs (Q)`
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
	_, err = importText("title\nV1 a 0 1\nR1 a 0\n+ 1k\n+ q=1\n")
	want = `deck.cir:3: card "R1 a 0 1k q=1": parameter q is not supported`
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

// TestImportLimits checks that a deck that would flatten beyond the limits
// is an error, not an exhausted machine.
func TestImportLimits(t *testing.T) {
	saved := importLimits
	defer func() { importLimits = saved }()
	importLimits.elements, importLimits.depth, importLimits.lineBytes = 1000, 50, 100

	// Ten levels of subcircuits, each instantiating the next twice: 2^10
	// resistors.
	var b strings.Builder
	b.WriteString("t\n.subckt s0 a\nR1 a 0 1\n.ends\n")
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&b, ".subckt s%d a\nX1 a s%d\nX2 a s%d\n.ends\n", i, i-1, i-1)
	}
	b.WriteString("V1 n 0 1\nX1 n s10\n")
	if _, err := importText(b.String()); err == nil || !strings.Contains(err.Error(), "more than 1000 elements") {
		t.Errorf("2^10 elements: error %v", err)
	}
	b.Reset()
	b.WriteString("t\n.subckt s0 a\nR1 a 0 1\n.ends\n")
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&b, ".subckt s%d a\nX1 a s%d\n.ends\n", i, i-1)
	}
	b.WriteString("V1 n 0 1\nX1 n s10\n")
	importLimits.depth = 5
	if _, err := importText(b.String()); err == nil || !strings.Contains(err.Error(), "nest deeper than 5") {
		t.Errorf("depth 10: error %v", err)
	}
	b.Reset()
	b.WriteString("t\n.subckt s0 a\n.ends\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, ".subckt s%d a\nX1 a s%d\nX2 a s%d\n.ends\n", i, i-1, i-1)
	}
	b.WriteString("V1 n 0 1\nX1 n s40\n")
	importLimits.depth = 50
	if _, err := importText(b.String()); err == nil || !strings.Contains(err.Error(), "more than 1000 elements and instances") {
		t.Errorf("2^40 empty instances: error %v", err)
	}
	b.Reset()
	b.WriteString("t\n")
	for i := range 2000 {
		fmt.Fprintf(&b, ".param p%d={p%d}\n", i, i+1)
	}
	b.WriteString(".param p2000=1\nV1 n 0 {p0}\nR1 n 0 1\n")
	if _, err := importText(b.String()); err == nil || !strings.Contains(err.Error(), "more than 1000 deep") {
		t.Errorf("2000 parameters deep: error %v", err)
	}
	long := "t\nR1 a 0 1" + strings.Repeat(" ", 200) + "\n"
	if _, err := importText(long); err == nil || !strings.Contains(err.Error(), "deck.cir:2: line longer than 100 bytes") {
		t.Errorf("long line: error %v", err)
	}
	cont := "t\nR1 a 0 1\n" + strings.Repeat("+ m=1\n", 30)
	if _, err := importText(cont); err == nil || !strings.Contains(err.Error(), "deck.cir:2: card longer than 100 bytes") {
		t.Errorf("long card: error %v", err)
	}
}

// TestImportSubckt checks the flattening: hierarchical names, ports,
// ground, parameters passed and defaulted, and local models.
func TestImportSubckt(t *testing.T) {
	d, err := importText(`ladder
.param rbase = 1k
.subckt div in out params: r1=1k r2={r1*2}
R1 in mid {r1}
R2 mid out {r2}
Rload out 0 {rbase}
.model dl D(IS={r1*1e-17})
D1 mid 0 dl
.ends div
.subckt two a b g=1
X1 a m div r1={g*1k}
X2 m b DIV
.subckt hidden p
R1 p 0 1
.ends
X3 b hidden
.ends
V1 top 0 5
Xa top o1 div
XB TOP o2 two g=3
`)
	if err != nil {
		t.Fatal(err)
	}
	is := 1e-17 // times r1 at run time
	want := []string{
		"V V1 top 0 v=5",
		"R Xa.R1 top Xa.mid g=0.001", "R Xa.R2 Xa.mid o1 g=0.0005", "R Xa.Rload o1 0 g=0.001",
		"D Xa.D1 Xa.mid 0 Xa.dl is=1e-14 n=1",
		"R XB.X1.R1 top XB.X1.mid g=0.0003333333333333333", "R XB.X1.R2 XB.X1.mid XB.m g=0.00016666666666666666",
		"R XB.X1.Rload XB.m 0 g=0.001", fmt.Sprintf("D XB.X1.D1 XB.X1.mid 0 XB.X1.dl is=%v n=1", 3000*is),
		"R XB.X2.R1 XB.m XB.X2.mid g=0.001", "R XB.X2.R2 XB.X2.mid o2 g=0.0005", "R XB.X2.Rload o2 0 g=0.001",
		"D XB.X2.D1 XB.X2.mid 0 XB.X2.dl is=1e-14 n=1",
		"R XB.X3.R1 o2 0 g=1",
	}
	got := dumpElements(d.Circuit)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("elements:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	nodes := "top o1 Xa.mid o2 XB.m XB.X1.mid XB.X2.mid"
	if strings.Join(d.Nodes, " ") != nodes {
		t.Errorf("nodes %q, want %q", strings.Join(d.Nodes, " "), nodes)
	}
	var models []string
	for _, m := range d.Models {
		models = append(models, m.Name)
	}
	if strings.Join(models, " ") != "Xa.dl XB.X1.dl XB.X2.dl" {
		t.Errorf("models %v", models)
	}
}

// TestImportNotes checks that what Import skips or ignores is noted at its
// line.
func TestImportNotes(t *testing.T) {
	d, err := importText(`title
.options reltol=1e-6 abstol=1e-12 gmin=1e-15 klu
.model d D(IS=1e-14 CJO=2p TT=1n)
V1 a 0 AC 1
V2 b 0 PULSE(1 5 1u)
R1 a 0 1k
R2 b 0 1k ac=2k
D1 b 0 d ic=0.5
.op
.tran 1n 1u
.print tran v(a)
.control
run
.endc
.end
anything
`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range d.Notes {
		got = append(got, n.String())
	}
	want := []string{
		"deck.cir:12: skipped the .control block (lines 12-14): ngspice commands",
		"deck.cir:15: ignored 1 lines after .end",
		"deck.cir:9: skipped .op: an analysis; eqsim simulate and eqsim verify choose their own",
		"deck.cir:10: skipped .tran: an analysis; eqsim simulate and eqsim verify choose their own",
		"deck.cir:11: skipped .print: an output card",
		"deck.cir:2: gmin=1e-15 ignored: eqsim puts 1e-12 S across every diode junction",
		"deck.cir:2: ignored solver options: abstol klu reltol",
		"deck.cir:4: ignored AC: it matters only to small-signal analyses",
		"deck.cir:4: no DC value: 0, as in ngspice",
		"deck.cir:5: no DC value: PULSE's value at t = 0, 1, as ngspice's operating point uses",
		"deck.cir:7: ignored ac=: it matters only to AC and noise analyses",
		"deck.cir:3: model d: ignored CJO TT",
		"deck.cir:8: ignored ic=: initial conditions do not change the DC operating point",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("notes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestImportTitle(t *testing.T) {
	for _, tc := range []struct{ deck, title string }{
		{"My circuit  \nV1 a 0 1\nR1 a 0 1\n", "My circuit"},
		{"R1 a 0 1\nV1 a 0 1\nR1 a 0 1\n", "R1 a 0 1"}, // the first line is the title, whatever it holds
		{"t\n.title Better title\nV1 a 0 1\nR1 a 0 1\n", "Better title"},
		{"eqsim: xor\n* Exported by eqsim. Run: ngspice -b FILE\nV1 a 0 1\nR1 a 0 1\n", "xor"},
		{"eqsim: xor\nV1 a 0 1\nR1 a 0 1\n", "eqsim: xor"},
		{" a\x00b\xff \nV1 a 0 1\nR1 a 0 1\n", "a b"},
	} {
		d, err := importText(tc.deck)
		if err != nil {
			t.Errorf("%q: %v", tc.deck, err)
			continue
		}
		if d.Circuit.Title != tc.title {
			t.Errorf("%q: title %q, want %q", tc.deck, d.Circuit.Title, tc.title)
		}
	}
}

// TestImportConductanceHint checks the exporter's exact conductance: a G
// whose reciprocal's reciprocal is not G comes back exactly with the hint,
// and a hint that does not match the card's resistance is ignored.
func TestImportConductanceHint(t *testing.T) {
	g := 0.0
	for x := 1.1e-4; ; x = math.Nextafter(x, 1) {
		if 1/(1/x) != x {
			g = x
			break
		}
	}
	r := fmt.Sprint(1 / g)
	d, err := importText(fmt.Sprintf("t\nV1 a 0 1\nR1 a 0 %s ; eqsim g=%v\nR2 a 0 %s\nR3 a 0 1k $ eqsim g=%v\n", r, g, r, g))
	if err != nil {
		t.Fatal(err)
	}
	r1, r2, r3 := d.Circuit.Elements[1].(*circuit.Resistor), d.Circuit.Elements[2].(*circuit.Resistor), d.Circuit.Elements[3].(*circuit.Resistor)
	if r1.G != g {
		t.Errorf("with the hint G = %v, want %v", r1.G, g)
	}
	if r2.G != 1/(1/g) || r2.G == g {
		t.Errorf("without the hint G = %v, want 1/R = %v", r2.G, 1/(1/g))
	}
	if r3.G != 1e-3 || len(d.Notes) != 1 || !strings.Contains(d.Notes[0].Msg, "ignored eqsim g=") {
		t.Errorf("a stale hint: G = %v, notes %v", r3.G, d.Notes)
	}
}
