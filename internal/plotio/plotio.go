// Package plotio writes plots as the pair of files every eqsim plot is:
// a PNG at 100 dpi and an SVG, each written atomically. Runs (curves) and
// sweeps (metric against axes, heatmaps) share it, with one palette.
package plotio

import (
	"image/color"
	"io"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/eqsim/eqsim/internal/atomicfile"
)

// Colors are the colours of a plot's lines, in order: training (blue),
// test (red), then the others of matplotlib's palette.
var Colors = []color.Color{
	color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff},
	color.RGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff},
	color.RGBA{R: 0x8c, G: 0x56, B: 0x4b, A: 0xff},
}

// WriteImages draws an image of w by h with paint into name.png (at 100
// dpi) and name.svg in dir.
func WriteImages(dir, name string, w, h vg.Length, paint func(vg.CanvasSizer)) error {
	png, svg := Images(w, h, paint)
	if err := atomicfile.Write(filepath.Join(dir, name+".png"), png); err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, name+".svg"), svg)
}

// Images returns the writers of the PNG (at 100 dpi) and the SVG of an
// image of w by h that paint draws, for files written together (a commit
// of a run folder); each draws its image when it is called.
func Images(w, h vg.Length, paint func(vg.CanvasSizer)) (png, svg func(io.Writer) error) {
	png = func(wr io.Writer) error {
		img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(100))
		paint(img)
		_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(wr)
		return err
	}
	svg = func(wr io.Writer) error {
		c := vgsvg.New(w, h)
		paint(c)
		_, err := c.WriteTo(wr)
		return err
	}
	return png, svg
}

// Save writes p, w by h, as name.png and name.svg in dir.
func Save(dir, name string, p *plot.Plot, w, h vg.Length) error {
	return WriteImages(dir, name, w, h, func(c vg.CanvasSizer) { p.Draw(draw.New(c)) })
}
