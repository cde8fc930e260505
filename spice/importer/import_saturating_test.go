package importer

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/eqsim/eqsim/circuit"
	"github.com/eqsim/eqsim/spice"
)

// saturatingCircuit is a circuit with an amplifier whose channels
// saturate, have an output resistance, gain errors and offsets.
func saturatingCircuit() (*circuit.Circuit, *circuit.Amplifier) {
	c := &circuit.Circuit{Title: "saturating", Groups: []circuit.Group{{Name: "x", Size: 2}, {Name: "a", Size: 2}}}
	a := &circuit.Amplifier{Name: "A", From: []string{"x[0]", "x[1]"}, To: []string{"a[0]", "a[1]"},
		Gain: 3, Swing: 0.7123456789012345, Rout: 120.5}
	a.Vary(circuit.AmplifierVariation{GainError: 0.1, Offset: 0.02, Seed: 7})
	c.Add(&circuit.VSource{Name: "V0", Nodes: [2]string{"x[0]", "0"}, V: 0.1},
		&circuit.VSource{Name: "V1", Nodes: [2]string{"x[1]", "0"}, V: -0.2},
		a,
		&circuit.Resistor{Name: "L0", Nodes: [2]string{"a[0]", "0"}, G: 1e-3},
		&circuit.Resistor{Name: "L1", Nodes: [2]string{"a[1]", "0"}, G: 1e-3})
	return c, a
}

// TestImportSaturating imports eqsim's deck of a saturating amplifier with
// the value of its first channel's E card written in other ways: those of
// the one behavioural form eqsim reads rebuild the amplifier bit for bit;
// any other expression, and the form on a card that no amplifier record
// claims, is an error at the card.
func TestImportSaturating(t *testing.T) {
	c, a := saturatingCircuit()
	var b bytes.Buffer
	if err := spice.WriteSpice(&b, c); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	at := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "ea_0 a_0_s 0 ") {
			at = i
		}
	}
	if at < 0 {
		t.Fatalf("no card ea_0 in\n%s", b.String())
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	s, g, o := f(a.Swing), f(a.ChannelGain(0)), f(a.Offset(0))
	if a.Offset(0) == 0 || a.ChannelGain(0) == a.Gain {
		t.Fatalf("channel 0 has gain %v and offset %v: no variation to carry", a.ChannelGain(0), a.Offset(0))
	}
	exported := "value={" + s + "*tanh((" + g + "*v(x_0_)+(" + o + "))/" + s + ")}"
	if got := strings.TrimPrefix(lines[at], "ea_0 a_0_s 0 "); got != exported {
		t.Fatalf("the exporter wrote %s, want %s", got, exported)
	}
	deck := func(value string) string {
		out := append([]string(nil), lines...)
		out[at] = "ea_0 a_0_s 0 " + value
		return strings.Join(out, "\n")
	}
	for _, tc := range []struct {
		name, deck string
		msg        string // "" for a deck that rebuilds c
	}{
		{"exported", deck(exported), ""},
		{"blanks and case", deck("VALUE = { " + s + " * TANH( ( " + g + " * V( x_0_ ) + ( " + o + " ) ) / " + s + " ) }"), ""},
		{"quotes", deck("value='" + s + "*tanh((" + g + "*v(x_0_)+(" + o + "))/" + s + ")'"), ""},
		{"ground named", deck("value={" + s + "*tanh((" + g + "*v(x_0_,0)+(" + o + "))/" + s + ")}"), ""},
		{"other digits", deck("value={" + s + "0*tanh((" + g + "e0*v(x_0_)+(" + o + "))/" + s + ")}"), ""},

		{"linear expression", deck("value={" + g + "*v(x_0_)}"), "only the linear form"},
		{"offset unbracketed", deck("value={" + s + "*tanh((" + g + "*v(x_0_)+" + o + ")/" + s + ")}"), "only the linear form"},
		{"swings differ", deck("value={" + s + "*tanh((" + g + "*v(x_0_)+(" + o + "))/1)}"), "the two swings S differ"},
		{"negative swing", deck("value={-1*tanh((" + g + "*v(x_0_)+(" + o + "))/-1)}"), "not positive"},
		{"suffix", deck("value={700m*tanh((" + g + "*v(x_0_)+(" + o + "))/700m)}"), "not a number"},
		{"parameter", deck("value={s*tanh((" + g + "*v(x_0_)+(" + o + "))/s)}"), "not a number"},
		{"other function", deck("value={" + s + "*atan((" + g + "*v(x_0_)+(" + o + "))/" + s + ")}"), "only the linear form"},
		{"current control", deck("value={" + s + "*tanh((" + g + "*i(va_0)+(" + o + "))/" + s + ")}"), "only the linear form"},
		{"term after", deck("value={" + s + "*tanh((" + g + "*v(x_0_)+(" + o + "))/" + s + ")+1}"), "text after the expression"},
		{"three nodes", deck("value={" + s + "*tanh((" + g + "*v(x_0_,x_1_,0)+(" + o + "))/" + s + ")}"), "only the linear form"},
		{"infinite", deck("value={" + s + "*tanh((1e999*v(x_0_)+(" + o + "))/" + s + ")}"), "not a number"},
		{"unbraced", deck("value=" + s + "*tanh((" + g + "*v(x_0_)+(" + o + "))/" + s + ")"), "only the linear form"},
		{"vol=", deck("vol={" + s + "*tanh((" + g + "*v(x_0_)+(" + o + "))/" + s + ")}"), "only the linear form"},
		// The form itself, but not the record's card: the record is not
		// used, and eqsim has no saturating VCVS to take the card alone.
		{"other swing", deck("value={1.5*tanh((" + g + "*v(x_0_)+(" + o + "))/1.5)}"), "saturation is not the record's"},
		{"other offset", deck("value={" + s + "*tanh((" + g + "*v(x_0_)+(0))/" + s + ")}"), "saturation is not the record's"},
		{"other control", deck("value={" + s + "*tanh((" + g + "*v(x_1_)+(" + o + "))/" + s + ")}"), "control is not the record's"},
		{"no record", strings.Replace(deck(exported), `* eqsim element {"kind":"amplifier"`, "* ", 1), "only as the output of an eqsim amplifier channel"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Import(strings.NewReader(tc.deck), "deck.cir")
			if tc.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				if diff := circuit.Diff(c, d.Circuit); diff != "" {
					t.Errorf("after import: %s\nnotes: %v", diff, d.Notes)
				}
				return
			}
			var e *ImportError
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T), want an *ImportError", err, err)
			}
			if d != nil {
				t.Error("a deck came back with the error")
			}
			if e.Line != at+1 || !strings.Contains(e.Error(), tc.msg) || !strings.Contains(e.Error(), `card "ea_0`) {
				t.Errorf("got %s (line %d)\nwant line %d, card ea_0 and %q", e, e.Line, at+1, tc.msg)
			}
		})
	}
}

// TestImportSaturatingByHand imports a deck not written by eqsim that uses
// the saturating form: without eqsim's record it is no amplifier channel,
// and eqsim has no saturating VCVS, so the card is refused at its line.
func TestImportSaturatingByHand(t *testing.T) {
	_, err := importText("by hand\nV1 a 0 0.5\nE1 b 0 value={1*tanh((2*v(a)+(0))/1)}\nR1 b 0 1k\n")
	var e *ImportError
	if !errors.As(err, &e) || e.Line != 3 || !strings.Contains(e.Error(), "eqsim has no saturating VCVS") {
		t.Errorf("error %v, want one at line 3 that eqsim has no saturating VCVS", err)
	}
}
