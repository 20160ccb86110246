package unicode

import "math"

// Identifiers may use any Unicode letter; an upper-case first letter exports.
const π = math.Pi

type Größe struct {
	breite, höhe float64
}

func (g Größe) Fläche() float64 { return g.breite * g.höhe }

var 日本語 = "nihongo"

var ŝtato = map[string]int{"ĉiu": 1}

var Ä = 1 // exported: Ä is upper case

var _x9, αβγ, x_ = 1, 2, 3

func 計算(ключ string, значение int) (результат int) {
	результат = len(ключ) + значение
	return
}

func use() float64 {
	g := Größe{breite: 2, höhe: π}
	_ = 計算(日本語, Ä)
	_ = ŝtato
	return g.Fläche() + float64(_x9+αβγ+x_)
}
