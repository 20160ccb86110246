package receivers

type T struct{ n int }

type List[E any] []E

func (t T) Value() int          { return t.n }
func (t *T) Pointer() int       { return t.n }
func (T) Unnamed() string       { return "T" }
func (*T) UnnamedPointer() bool { return true }
func (_ T) Blank() {}
func (t (T)) Paren() int        { return t.n }
func (t (*T)) ParenPtr() int    { return t.n }
func (l List[E]) Len() int      { return len(l) }
func (l *List[E]) Push(e E)     { *l = append(*l, e) }

func values() {
	var t T
	f := t.Value
	g := (*T).Pointer
	h := T.Value
	i := (*T).Value
	_, _, _, _ = f(), g(&t), h(t), i(&t)
	_ = (&t).Pointer()
	_ = List[int]{1}.Len()
}
