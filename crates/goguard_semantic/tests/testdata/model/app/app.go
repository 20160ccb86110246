package app

import (
	"context"
	stdio "io"
	. "strings"
	_ "sync"

	"example.com/shapes"
	"example.com/unknown/api/v2"
)

type Server struct {
	shapes.Named
	ctx    context.Context
	cancel context.CancelFunc
	out    stdio.Writer
	b      Builder // ref: Builder@pkg
}

func New() *Server { // uses: New 2
	ctx, cancel := context.WithCancel(context.Background()) // callee: func context.WithCancel
	return &Server{ctx: ctx, cancel: cancel} // ref: ctx@22 ; ref: cancel@22
}

func (s *Server) Stop() {
	s.cancel()                   // callee: unknown
	_ = s.ctx.Err()              // callee: method context.Context.Err
	s.Move(3)                    // callee: method example.com/shapes.Point.Move
	_, _ = s.out.Write(nil)      // callee: method io.Writer.Write
	_ = s.b.String()             // callee: method strings.Builder.String
	parts := Split("a,b", ",")   // callee: func strings.Split ; type: parts []string
	_ = parts
	var w stdio.Writer = s.out   // ref: stdio@import ; type: w io.Writer
	_ = w
	c := &shapes.Circle{Radius: 2} // type: c *example.com/shapes.Circle
	_ = c.Norm()                   // callee: method example.com/shapes.Point.Norm
	srv := New()                   // callee: func example.com/app.New ; type: srv *example.com/app.Server
	_ = srv
	var sh shapes.Shape = nil      // type: sh example.com/shapes.Shape
	_ = sh
	_ = shapes.Map[int, int]       // typeof: shapes.Map[int, int] => func([]T, func(T) U) []U
	_ = shapes.First[int]([]int{}) // callee: func example.com/shapes.First
	unknownpkgcall()
}

func unknownpkgcall() {
	t := shapes.Celsius(1) // callee: conversion example.com/shapes.Celsius ; type: t example.com/shapes.Celsius
	_ = t
	(func() {})() // callee: lit
	(New)()       // callee: func example.com/app.New
}

func packageVars() {
	_ = shapes.ErrBad // typeof: shapes.ErrBad => error
	_ = shapes.Big    // typeof: shapes.Big => example.com/shapes.Celsius
	_ = shapes.Origin // typeof: shapes.Origin => example.com/shapes.Point
	for i := range shapes.Many { // type: i example.com/shapes.Count
		_ = i
	}
}

func versioned() {
	v2.Start() // callee: func example.com/unknown/api/v2.Start ; ref: v2@import
}
