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
