// Declarations of package expvar used by goguard's light types; signatures only.

package expvar

import "net/http"

type Var interface {
	String() string
}

type KeyValue struct {
	Key   string
	Value Var
}

func Publish(name string, v Var)
func Get(name string) Var
func Do(f func(KeyValue))
func Handler() http.Handler

type Int struct{}

func NewInt(name string) *Int
func (v *Int) Add(delta int64)
func (v *Int) Set(value int64)
func (v *Int) Value() int64
func (v *Int) String() string

type Float struct{}

func NewFloat(name string) *Float
func (v *Float) Add(delta float64)
func (v *Float) Set(value float64)
func (v *Float) Value() float64
func (v *Float) String() string

type String struct{}

func NewString(name string) *String
func (v *String) Set(value string)
func (v *String) Value() string
func (v *String) String() string

type Map struct{}

func NewMap(name string) *Map
func (v *Map) Init() *Map
func (v *Map) Get(key string) Var
func (v *Map) Set(key string, av Var)
func (v *Map) Add(key string, delta int64)
func (v *Map) AddFloat(key string, delta float64)
func (v *Map) Delete(key string)
func (v *Map) Do(f func(KeyValue))
func (v *Map) String() string

type Func func() any

func (f Func) Value() any
func (f Func) String() string
