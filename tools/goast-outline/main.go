// Command goast-outline prints the canonical outline of go/parser's syntax tree for each
// file given on the command line. goguard_syntax's outline() prints its own tree in the same
// format, so the two can be compared line by line.
//
// Outline format (shared with crates/goguard_syntax/src/outline.rs):
//
//	=== <path>
//	<Field>: <GoAstTypeName> <start>-<end>[ <attr>]...
//
// One node per line, indented two spaces per depth. The root line's field is "File".
// <start>-<end> are the node's Pos() and End() as 0-based byte offsets ("-" for an
// invalid position). Children follow in go/ast struct field order; nil fields are
// omitted; each element of a list field gets its own line carrying the field name.
// Attributes, in field order, are the scalar fields:
//   - string fields: Name=<strconv.Quote(value)>
//   - token.Token fields: Name=<token string> (e.g. Op=+, Tok=:=, Kind=INT)
//   - ast.ChanDir: Dir=<integer>
//   - bool fields: Name=true, only when true
//   - token.Pos fields: !Name, only when the position is invalid (absent)
//
// Doc and Comment fields are printed as a child line "<Field>: CommentGroup <start>-<end>"
// without their comments. Skipped: Obj, Scope, Unresolved, Imports, GoVersion, FileStart,
// FileEnd and File.Comments. After the tree, every comment group of the file is printed at
// depth 0 as "CommentGroup <start>-<end>", followed by one line per comment at depth 1:
// "Comment <start>-<end> <strconv.Quote(text)>". Finally one line per go/parser error:
// "error <line>:<col> <message>" (line and column 1-based, column in bytes, both taken
// from the error's byte offset without //line directive adjustment; errors are listed in
// byte offset order).
package main

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

var (
	posType     = reflect.TypeOf(token.Pos(0))
	tokType     = reflect.TypeOf(token.Token(0))
	dirType     = reflect.TypeOf(ast.ChanDir(0))
	cgType      = reflect.TypeOf((*ast.CommentGroup)(nil))
	nodeType    = reflect.TypeOf((*ast.Node)(nil)).Elem()
	skipped     = map[string]bool{"Obj": true, "Scope": true, "Unresolved": true, "Imports": true, "GoVersion": true, "FileStart": true, "FileEnd": true, "Comments": true}
	out         *bufio.Writer
	currentBase int
)

func off(p token.Pos) string {
	if !p.IsValid() {
		return "-"
	}
	return strconv.Itoa(int(p) - currentBase)
}

func span(n ast.Node) string { return off(n.Pos()) + "-" + off(n.End()) }

func node(field string, n ast.Node, depth int) {
	v := reflect.ValueOf(n)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	var line strings.Builder
	line.WriteString(strings.Repeat("  ", depth))
	fmt.Fprintf(&line, "%s: %s %s", field, v.Type().Name(), span(n))
	t := v.Type()
	type child struct {
		field string
		n     ast.Node
		ref   bool
	}
	var children []child
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if skipped[f.Name] {
			continue
		}
		fv := v.Field(i)
		switch {
		case f.Type == posType:
			if !token.Pos(fv.Int()).IsValid() {
				line.WriteString(" !" + f.Name)
			}
		case f.Type == tokType:
			line.WriteString(" " + f.Name + "=" + token.Token(fv.Int()).String())
		case f.Type == dirType:
			fmt.Fprintf(&line, " %s=%d", f.Name, fv.Int())
		case f.Type.Kind() == reflect.String:
			line.WriteString(" " + f.Name + "=" + strconv.Quote(fv.String()))
		case f.Type.Kind() == reflect.Bool:
			if fv.Bool() {
				line.WriteString(" " + f.Name + "=true")
			}
		case f.Type == cgType:
			if !fv.IsNil() {
				children = append(children, child{f.Name, fv.Interface().(ast.Node), true})
			}
		case f.Type.Kind() == reflect.Slice:
			for j := 0; j < fv.Len(); j++ {
				e := fv.Index(j)
				if e.IsNil() {
					continue
				}
				children = append(children, child{f.Name, e.Interface().(ast.Node), false})
			}
		case f.Type.Implements(nodeType):
			if !fv.IsNil() {
				children = append(children, child{f.Name, fv.Interface().(ast.Node), false})
			}
		}
	}
	out.WriteString(line.String())
	out.WriteByte('\n')
	for _, c := range children {
		if c.ref {
			fmt.Fprintf(out, "%s%s: CommentGroup %s\n", strings.Repeat("  ", depth+1), c.field, span(c.n))
		} else {
			node(c.field, c.n, depth+1)
		}
	}
}

func main() {
	out = bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for _, path := range os.Args[1:] {
		src, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fset := token.NewFileSet()
		f, perr := parser.ParseFile(fset, path, src, parser.ParseComments|parser.SkipObjectResolution)
		fmt.Fprintf(out, "=== %s\n", path)
		if f != nil {
			currentBase = fset.File(f.FileStart).Base()
			node("File", f, 0)
			for _, g := range f.Comments {
				fmt.Fprintf(out, "CommentGroup %s\n", span(g))
				for _, c := range g.List {
					fmt.Fprintf(out, "  Comment %s %s\n", span(c), strconv.Quote(c.Text))
				}
			}
		}
		if list, ok := perr.(scanner.ErrorList); ok {
			var tf *token.File
			fset.Iterate(func(f *token.File) bool { tf = f; return false })
			sort.SliceStable(list, func(i, j int) bool { return list[i].Pos.Offset < list[j].Pos.Offset })
			for _, e := range list {
				p := tf.PositionFor(tf.Pos(e.Pos.Offset), false)
				fmt.Fprintf(out, "error %d:%d %s\n", p.Line, p.Column, e.Msg)
			}
		} else if perr != nil {
			fmt.Fprintf(out, "error 0:0 %s\n", perr)
		}
	}
}
