package strings

type Builder struct {
	buf []byte
}

func (b *Builder) WriteString(s string) (int, error)

func (b *Builder) String() string

func Split(s, sep string) []string
