// Declarations of package database/sql/driver used by goguard's light types; signatures only.

package driver

import "context"

var ErrBadConn error

var ErrSkip error

type Value any

type Valuer interface {
	Value() (Value, error)
}

type NamedValue struct {
	Name    string
	Ordinal int
	Value   Value
}

type Driver interface {
	Open(name string) (Conn, error)
}

type Connector interface {
	Connect(context.Context) (Conn, error)
	Driver() Driver
}

type Conn interface {
	Prepare(query string) (Stmt, error)
	Close() error
	Begin() (Tx, error)
}

type Stmt interface {
	Close() error
	NumInput() int
	Exec(args []Value) (Result, error)
	Query(args []Value) (Rows, error)
}

type Tx interface {
	Commit() error
	Rollback() error
}

type Result interface {
	LastInsertId() (int64, error)
	RowsAffected() (int64, error)
}

type Rows interface {
	Columns() []string
	Close() error
	Next(dest []Value) error
}
