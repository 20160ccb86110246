package shapes

import "errors"

var ErrBad = errors.New("bad")

const Big = Small * 2

const Small Celsius = 1

var Origin = Point{}

var pt, errSplit = split() // type: pt example.com/shapes.Point ; type: errSplit error

var later = Big // type: later example.com/shapes.Celsius

func split() (Point, error) { return Origin, nil } // ref: Origin@11

type Count int

const Many Count = 3

type Left struct{}

func (Left) Both()     {}
func (Left) OnlyLeft() {}

type Right struct{}

func (*Right) Both() {}

// Diamond gets Both from two embedded types at the same depth: ambiguous.
type Diamond struct {
	Left
	*Right
}

// Shadow's own field hides the promoted method.
type Shadow struct {
	Left
	Both int
}

func depths(d Diamond, s *Shadow) {
	d.Both()     // callee: unknown
	d.OnlyLeft() // callee: method example.com/shapes.Left.OnlyLeft
	_ = s.Both   // typeof: s.Both => int
	_ = d.Right  // typeof: d.Right => *example.com/shapes.Right
}
