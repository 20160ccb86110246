package fmt

func Println(a ...any) (n int, err error)

func Sprintf(format string, a ...any) string

func Errorf(format string, a ...any) error
