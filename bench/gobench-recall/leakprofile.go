package main

// Bug lines from the Go runtime's own test of the goroutine leak profile.
//
// Go ships the GoBench blocking kernels in
// $GOROOT/src/runtime/testdata/testgoroutineleakprofile/goker, and its test
// ($GOROOT/src/runtime/goroutineleakprofile_test.go) lists, for each kernel,
// the goroutines the leak profile must report: a regular expression over
// "ENTRY(...) [WAIT REASON]", where ENTRY is the function the leaked
// goroutine was started with (as a traceback names it: `(*T).M`, `F.func2`,
// `F.func2.1`) and WAIT REASON what it is blocked in (`chan send`,
// `sync.Mutex.Lock`, ...).
//
// The bug lines of a kernel are then the blocking operations that such a
// goroutine can be blocked in: every operation whose wait reason the
// expression accepts, in the entry function or in what it calls (closures
// it runs itself, package functions and methods called by name, the
// package methods an interface method call may run, and the package's
// function literals of the type of a function value it calls,
// the methods of package values given to another package's function
// (io.ReadFull calling back a Read method), transitively; goroutines it
// starts are other entries). No description is
// read and no judgement is made: this is the runtime's ground truth.

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// leakExpectations reads the expected-leak expressions of each kernel from
// the runtime's test file: calls makeTest("Name", exprs...) and
// makeFlakyTest("Name", exprs...) (flaky leaks are real leaks that do not
// show in every run).
func leakExpectations(testFile string) map[string][]*regexp.Regexp {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, testFile, nil, 0)
	check(err)
	out := map[string][]*regexp.Regexp{}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		id, ok := call.Fun.(*ast.Ident)
		if !ok || (id.Name != "makeTest" && id.Name != "makeFlakyTest") || len(call.Args) == 0 {
			return true
		}
		name, ok := stringLit(call.Args[0])
		if !ok {
			return true
		}
		for _, a := range call.Args[1:] {
			if s, ok := stringLit(a); ok {
				out[name] = append(out[name], regexp.MustCompile(s))
			}
		}
		return true
	})
	return out
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// entry is a function a goroutine can start with, under its traceback name.
type entry struct {
	name string
	body *ast.BlockStmt
}

// op is a blocking operation and the wait reason a goroutine blocked in it
// shows.
type op struct {
	pos    token.Pos
	line   int
	reason string
}

// runtimeKernels lists the kernels of a GOROOT goker directory with their
// bug lines taken from the runtime test's expectations.
func runtimeKernels(dir, testFile string) []*kernel {
	expect := leakExpectations(testFile)
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, nil, 0)
	check(err)
	var files []*ast.File
	for _, p := range pkgs {
		for _, f := range p.Files {
			files = append(files, f)
		}
	}
	sort.Slice(files, func(i, j int) bool {
		return fset.File(files[i].Pos()).Name() < fset.File(files[j].Pos()).Name()
	})
	info := &types.Info{
		Uses:       map[*ast.Ident]types.Object{},
		Defs:       map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
		Types:      map[ast.Expr]types.TypeAndValue{},
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil), Error: func(error) {}}
	conf.Check("main", fset, files, info)

	decls := map[types.Object]*ast.FuncDecl{}
	for _, f := range files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				if obj := info.Defs[fd.Name]; obj != nil {
					decls[obj] = fd
				}
			}
		}
	}

	var out []*kernel
	for name, exprs := range expect {
		base := strings.ToLower(name) + ".go"
		path := filepath.Join(dir, base)
		if _, err := os.Stat(path); err != nil {
			continue
		}
		k := &kernel{dir: name, file: base, bugLines: map[int]bool{}}
		for _, f := range files {
			if fset.File(f.Pos()).Name() != path {
				continue
			}
			lits := valueLiterals(f)
			for _, e := range entries(f) {
				for _, o := range reachableOps(e.body, info, decls, lits, fset) {
					if fset.File(o.pos).Name() != path {
						continue
					}
					leak := e.name + "(...) [" + o.reason + "]"
					for _, re := range exprs {
						if re.MatchString(leak) {
							k.bugLines[o.line] = true
						}
					}
				}
			}
		}
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].dir < out[j].dir })
	return out
}

// valueLiterals lists the function literals of a file used as values
// (stored, passed, returned), not called where they are written.
func valueLiterals(f *ast.File) []*ast.FuncLit {
	called := map[*ast.FuncLit]bool{}
	var out []*ast.FuncLit
	ast.Inspect(f, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if lit, ok := call.Fun.(*ast.FuncLit); ok {
				called[lit] = true
			}
		}
		if lit, ok := n.(*ast.FuncLit); ok && !called[lit] {
			out = append(out, lit)
		}
		return true
	})
	return out
}

// entries lists the functions of a file under their traceback names:
// F, (*T).M or T.M, and their closures F.func1, F.func2.1, ... numbered in
// source order within their enclosing function, as the compiler names them.
func entries(f *ast.File) []entry {
	var out []entry
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		name := fd.Name.Name
		if fd.Recv != nil && len(fd.Recv.List) == 1 {
			switch t := fd.Recv.List[0].Type.(type) {
			case *ast.StarExpr:
				if id, ok := t.X.(*ast.Ident); ok {
					name = "(*" + id.Name + ")." + name
				}
			case *ast.Ident:
				name = t.Name + "." + name
			}
		}
		out = append(out, entry{name, fd.Body})
		out = append(out, closures(name, fd.Body)...)
	}
	return out
}

// closures names the function literals directly inside body (not inside a
// nested literal) as parent.funcN, and recursively theirs.
func closures(parent string, body *ast.BlockStmt) []entry {
	var out []entry
	n := 0
	ast.Inspect(body, func(node ast.Node) bool {
		lit, ok := node.(*ast.FuncLit)
		if !ok {
			return true
		}
		n++
		name := parent + ".func" + strconv.Itoa(n)
		if strings.Contains(parent, ".func") {
			name = parent + "." + strconv.Itoa(n)
		}
		out = append(out, entry{name, lit.Body})
		out = append(out, closures(name, lit.Body)...)
		return false
	})
	return out
}

// reachableOps lists the blocking operations a goroutine running body can
// block in: body itself, the closures it does not start as goroutines, and
// the package functions it calls by name, transitively.
func reachableOps(body *ast.BlockStmt, info *types.Info, decls map[types.Object]*ast.FuncDecl, lits []*ast.FuncLit, fset *token.FileSet) []op {
	var out []op
	seen := map[*ast.BlockStmt]bool{}
	work := []*ast.BlockStmt{body}
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		if seen[b] {
			continue
		}
		seen[b] = true
		started := map[*ast.FuncLit]bool{}
		inComm := map[ast.Node]bool{}
		ast.Inspect(b, func(n ast.Node) bool {
			at := func(reason string) op { return op{n.Pos(), fset.Position(n.Pos()).Line, reason} }
			switch n := n.(type) {
			case *ast.GoStmt:
				if lit, ok := n.Call.Fun.(*ast.FuncLit); ok {
					started[lit] = true
				}
			case *ast.FuncLit:
				if started[n] {
					return false
				}
			case *ast.SelectStmt:
				// The compiler turns a select of one case without default
				// into the plain operation, and a goroutine blocked there
				// shows that operation's wait reason: leave its operation
				// unmarked so that it counts as itself.
				if len(n.Body.List) == 1 {
					if cc, ok := n.Body.List[0].(*ast.CommClause); ok && cc.Comm != nil {
						return true
					}
				}
				reason := "select"
				if len(n.Body.List) == 0 {
					reason = "select (no cases)"
				}
				out = append(out, at(reason))
				for _, c := range n.Body.List {
					if cc, ok := c.(*ast.CommClause); ok && cc.Comm != nil {
						markComm(cc.Comm, inComm)
					}
				}
			case *ast.SendStmt:
				if !inComm[n] {
					out = append(out, at("chan send"), at("chan send (nil chan)"))
				}
			case *ast.UnaryExpr:
				if n.Op == token.ARROW && !inComm[n] {
					out = append(out, at("chan receive"), at("chan receive (nil chan)"))
				}
			case *ast.RangeStmt:
				if tv, ok := info.Types[n.X]; ok {
					if _, isChan := tv.Type.Underlying().(*types.Chan); isChan {
						out = append(out, at("chan receive"), at("chan receive (nil chan)"))
					}
				}
			case *ast.CallExpr:
				var obj types.Object
				switch fun := n.Fun.(type) {
				case *ast.Ident:
					obj = info.Uses[fun]
				case *ast.SelectorExpr:
					if sel := info.Selections[fun]; sel != nil {
						obj = sel.Obj()
					} else {
						obj = info.Uses[fun.Sel]
					}
				}
				if v, ok := obj.(*types.Var); ok {
					// A function value: any literal of the file used as a
					// value, of its type, may be the one called.
					for _, lit := range lits {
						if types.Identical(info.Types[lit].Type, v.Type()) {
							work = append(work, lit.Body)
						}
					}
				}
				if fn, ok := obj.(*types.Func); ok {
					for _, reason := range syncWaitReasons[fn.FullName()] {
						out = append(out, at(reason))
					}
					if fd := decls[fn.Origin()]; fd != nil {
						work = append(work, fd.Body)
					}
					// A function of another package (io.ReadFull) may call
					// back the methods of the package values it is given.
					if fn.Pkg() != nil && fn.Pkg().Name() != "main" {
						for _, arg := range n.Args {
							work = append(work, methodBodies(info.Types[arg].Type, decls)...)
						}
					}
					// An interface method runs the method of any package
					// type that implements the interface.
					for _, m := range implementations(fn, decls) {
						work = append(work, m.Body)
					}
				}
			}
			return true
		})
	}
	return out
}

// methodBodies lists the bodies of the package methods of t's method set
// (for an interface, of the package types implementing it).
func methodBodies(t types.Type, decls map[types.Object]*ast.FuncDecl) []*ast.BlockStmt {
	if t == nil {
		return nil
	}
	var out []*ast.BlockStmt
	ms := types.NewMethodSet(t)
	for i := 0; i < ms.Len(); i++ {
		fn, _ := ms.At(i).Obj().(*types.Func)
		if fd := decls[ms.At(i).Obj()]; fd != nil {
			out = append(out, fd.Body)
		} else if fn != nil {
			// An interface value: what implements it in the package.
			for _, m := range implementations(fn, decls) {
				out = append(out, m.Body)
			}
		}
	}
	return out
}

// implementations lists the package methods an interface method call can run:
// the method of that name of every package type implementing the interface.
func implementations(fn *types.Func, decls map[types.Object]*ast.FuncDecl) []*ast.FuncDecl {
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil {
		return nil
	}
	iface, ok := sig.Recv().Type().Underlying().(*types.Interface)
	if !ok {
		return nil
	}
	var out []*ast.FuncDecl
	for obj, fd := range decls {
		m, ok := obj.(*types.Func)
		if !ok || m.Name() != fn.Name() {
			continue
		}
		recv := m.Type().(*types.Signature).Recv()
		if recv == nil {
			continue
		}
		if types.Implements(recv.Type(), iface) {
			out = append(out, fd)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pos() < out[j].Pos() })
	return out
}

// markComm marks the channel operation of a select case, which blocks as
// part of the select, not on its own.
func markComm(s ast.Stmt, inComm map[ast.Node]bool) {
	switch s := s.(type) {
	case *ast.SendStmt:
		inComm[s] = true
	case *ast.ExprStmt:
		inComm[ast.Unparen(s.X)] = true
	case *ast.AssignStmt:
		if len(s.Rhs) == 1 {
			inComm[ast.Unparen(s.Rhs[0])] = true
		}
	}
}

// syncWaitReasons maps the blocking methods of package sync to the wait
// reasons of a goroutine blocked in them. RWMutex.Lock first takes an inner
// Mutex (held by another writer: sync.Mutex.Lock), then waits for the
// readers (sync.RWMutex.Lock); Once.Do waits on a Mutex; a Locker may be
// either kind.
var syncWaitReasons = map[string][]string{
	"(*sync.Mutex).Lock":     {"sync.Mutex.Lock"},
	"(*sync.RWMutex).Lock":   {"sync.Mutex.Lock", "sync.RWMutex.Lock"},
	"(*sync.RWMutex).RLock":  {"sync.RWMutex.RLock"},
	"(*sync.WaitGroup).Wait": {"sync.WaitGroup.Wait"},
	"(*sync.Cond).Wait":      {"sync.Cond.Wait"},
	"(sync.Locker).Lock":     {"sync.Mutex.Lock", "sync.RWMutex.Lock"},
	"(*sync.Once).Do":        {"sync.Mutex.Lock"},
}
