package errors

func New(text string) error

func Is(err, target error) bool

func As(err error, target any) bool
