// Package shapes declares types with embedding, pointer and value
// receivers, interfaces embedding interfaces, and generics.
package shapes

import (
	"io"
	"sync"
)

type Point struct {
	X, Y int
}

func (p Point) Norm() int { return p.X*p.X + p.Y*p.Y } // typeof: p.X => int

func (p *Point) Move(dx int) { p.X += dx } // type: p *example.com/shapes.Point

type Named struct {
	Point          // embedded by value
	*sync.Mutex    // embedded by pointer
	Name    string
	io.Closer
}

type Circle struct {
	Named
	Radius float64
}

type Mover interface {
	Move(dx int)
}

type Shape interface {
	Mover
	Norm() int
}

type Celsius float64

type Alias = Point

type Pair[K comparable, V any] struct {
	Key K
	Val V
}

func (p *Pair[K, V]) Swap() Pair[V, K] { // type: K K
	return Pair[V, K]{Key: p.Val, Val: p.Key} // typeof: p.Val => V
}

type List[T any] struct {
	head *node[T]
}

type node[T any] struct {
	next *node[T]
	val  T
}

func (l *List[T]) Push(v T) { l.head = &node[T]{next: l.head, val: v} } // type: v T

func Map[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, 0, len(xs)) // type: out []U
	for _, x := range xs {       // type: x T
		out = append(out, f(x))
	}
	return out
}

func First[T any](xs []T) T { return xs[0] }

// Self-referential and cyclic declarations must not hang.
type Ptr *Ptr

type A struct{ *B }

type B struct{ *A }

type Loop interface{ Loop }

func use(c *Circle, s Shape, n Named, a A, l Loop) {
	c.Move(1)          // callee: method example.com/shapes.Point.Move
	_ = c.Norm()       // callee: method example.com/shapes.Point.Norm
	c.Lock()           // callee: method sync.Mutex.Lock
	_ = c.Close()      // callee: method io.Closer.Close
	_ = c.Name         // typeof: c.Name => string
	_ = c.X            // typeof: c.X => int
	_ = c.Radius       // typeof: c.Radius => float64
	_ = c.Named.Point  // typeof: c.Named.Point => example.com/shapes.Point
	s.Move(2)          // callee: method example.com/shapes.Mover.Move
	_ = s.Norm()       // callee: method example.com/shapes.Shape.Norm
	n.Unlock()         // callee: method sync.Mutex.Unlock
	var al Alias       // type: al example.com/shapes.Point
	_ = al.Norm()      // callee: method example.com/shapes.Point.Norm
	deg := Celsius(3)  // callee: conversion example.com/shapes.Celsius ; type: deg example.com/shapes.Celsius
	_ = deg
	f := Point.Norm    // type: f func(example.com/shapes.Point) int
	_ = f
	g := (*Point).Move // type: g func(*example.com/shapes.Point, int)
	_ = g
	_ = a.Nothing      // typeof: a.Nothing => ?
	_ = l.Loop         // typeof: l.Loop => ?
	var pr Ptr         // type: pr example.com/shapes.Ptr
	_ = pr
	strs := Map([]int{1}, func(i int) string { return "" }) // type: strs []string
	one := First([]float64{1})                               // type: one float64
	_, _ = strs, one
	var lst List[int]
	lst.Push(1)                        // callee: method example.com/shapes.List.Push
	_ = lst.Push                       // typeof: lst.Push => func(int)
	kv := Pair[string, *Circle]{}      // type: kv example.com/shapes.Pair
	_ = kv.Val                         // typeof: kv.Val => *example.com/shapes.Circle
	_ = kv.Swap().Key                  // typeof: kv.Swap().Key => ?
	var ptrPair *Pair[int, string] // type: ptrPair *example.com/shapes.Pair
	_ = ptrPair.Key                // typeof: ptrPair.Key => int
	pp := &Pair[string, int]{Key: "a"} // type: pp *example.com/shapes.Pair
	_ = pp.Swap()                       // callee: method example.com/shapes.Pair.Swap
	pts := []*Point{{X: 1}, {Y: 2}}     // type: pts []*example.com/shapes.Point
	_ = pts
	byName := map[string]Point{"a": {X: 1}} // type: byName map[string]example.com/shapes.Point
	_ = byName
}
