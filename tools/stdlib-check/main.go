// Command stdlib-check compares goguard's standard-library stubs with the real
// standard library of the installed Go toolchain.
//
// Usage:
//
//	stdlib-check [-export] DIR|FILE...
//
// Each stub file starts with the header comment
//
//	// Declarations of package <import path> used by goguard's light types; signatures only.
//
// and holds declarations without bodies. The stub is type-checked as package
// <import path> against the real packages it imports, then every declaration it
// makes is compared with the real object of the same name:
//   - funcs and methods: the signature with parameter names ignored, the
//     receiver's pointer-ness, type parameters; a method must be declared on
//     the type that declares it in the real package (not on a type that only
//     gets it through embedding);
//   - types: alias or defined, type parameters, the kind of the underlying type;
//     for structs each stub field (name, type, embedded or not; unexported
//     fields only when embedded) and every real embedded field that promotes
//     exported methods or fields; for interfaces the complete method set,
//     each method declared in the interface itself or coming through the
//     same embedded interfaces as in the real one;
//     for other types the whole underlying type;
//   - vars: the type; consts: the type and the value (only the type for a
//     constant marked with the line comment "// value differs by platform",
//     whose stub value is the linux/amd64 one).
//
// One line is printed per mismatch, missing object, stub type error or stub
// whose package does not exist; the exit status is 1 if any line was printed.
//
// Real packages are type-checked from GOROOT sources by default (exported API
// only: function bodies skipped, cgo off, files parsed in parallel). That
// needs no build cache and costs about 1 s of CPU (1.5 to 4 s wall on a
// shared 2-core machine) for the 80 stubbed packages and their dependencies.
// With -export they are read from compiler export data located with
// `go list -export -deps`: 0.15 s of CPU with a warm build cache, but about
// 35 s of CPU (65 s wall) to compile the dependencies of net/http into a cold
// one (go1.26.8, linux/amd64), which is why it is not the default.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

const headerPrefix = "// Declarations of package "
const headerSuffix = " used by goguard's light types; signatures only."

type stub struct {
	path string // import path named by the header
	ast  *ast.File
}

var problems int

func report(format string, args ...any) {
	problems++
	fmt.Printf(format+"\n", args...)
}

func main() {
	useExport := flag.Bool("export", false, "read real packages from compiler export data (fast with a warm build cache) instead of GOROOT sources")
	flag.Parse()
	fset := token.NewFileSet()
	stubs := readStubs(fset, flag.Args())

	need := map[string]bool{}
	for _, s := range stubs {
		need[s.path] = true
		for _, im := range s.ast.Imports {
			need[strings.Trim(im.Path.Value, `"`)] = true
		}
	}
	var imp types.Importer
	if *useExport {
		imp = exportImporter(fset, need)
	} else {
		imp = newSourceImporter(fset)
	}
	for _, s := range stubs {
		checkStub(fset, imp, s)
	}
	if problems > 0 {
		os.Exit(1)
	}
}

func readStubs(fset *token.FileSet, args []string) []stub {
	var files []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			report("%s: %v", a, err)
			continue
		}
		if !st.IsDir() {
			files = append(files, a)
			continue
		}
		matches, _ := filepath.Glob(filepath.Join(a, "*.go"))
		files = append(files, matches...)
	}
	sort.Strings(files)
	var stubs []stub
	seen := map[string]string{}
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			report("%s: %v", f, err)
			continue
		}
		path := ""
		if len(file.Comments) > 0 && len(file.Comments[0].List) > 0 {
			line := file.Comments[0].List[0].Text
			if strings.HasPrefix(line, headerPrefix) && strings.HasSuffix(line, headerSuffix) {
				path = strings.TrimSuffix(strings.TrimPrefix(line, headerPrefix), headerSuffix)
			}
		}
		if path == "" {
			report("%s: missing header %q", f, headerPrefix+"<import path>"+headerSuffix)
			continue
		}
		if prev, ok := seen[path]; ok {
			report("%s: %s describes the same package as %s", path, f, prev)
			continue
		}
		seen[path] = f
		stubs = append(stubs, stub{path: path, ast: file})
	}
	return stubs
}

// exportImporter reads compiler export data of the needed packages and their
// dependencies, as listed by `go list -export -deps`.
func exportImporter(fset *token.FileSet, need map[string]bool) types.Importer {
	args := []string{"list", "-e", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}\t{{if .Error}}{{.Error.Err}}{{end}}"}
	for p := range need {
		args = append(args, p)
	}
	sort.Strings(args[6:])
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		fmt.Fprintf(os.Stderr, "go list: %v\n%s", err, stderr.String())
		os.Exit(2)
	}
	export := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), "\t", 3)
		if len(parts) == 3 && parts[1] != "" && parts[2] == "" {
			export[parts[0]] = parts[1]
		}
	}
	lookup := func(path string) (io.ReadCloser, error) {
		f, ok := export[path]
		if !ok {
			return nil, fmt.Errorf("package %s does not exist (no export data)", path)
		}
		return os.Open(f)
	}
	return importer.ForCompiler(fset, "gc", lookup)
}

func checkStub(fset *token.FileSet, imp types.Importer, s stub) {
	real, err := imp.Import(s.path)
	if err != nil {
		report("%s: cannot load the real package: %v", s.path, err)
		return
	}
	if s.ast.Name.Name != real.Name() {
		report("%s: package clause %s != real %s", s.path, s.ast.Name.Name, real.Name())
	}
	conf := types.Config{
		Importer: imp,
		Error: func(err error) {
			// Generic functions have no declaration form without a body,
			// but a stub needs one.
			if strings.HasSuffix(err.Error(), "generic function is missing function body") {
				return
			}
			report("%s: stub does not type-check: %v", s.path, err)
		},
	}
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}}
	mine, _ := conf.Check(s.path, fset, []*ast.File{s.ast}, info)
	if mine == nil {
		return
	}
	c := checker{path: s.path, real: real, mine: mine, info: info, fset: fset}
	for _, d := range s.ast.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			c.funcDecl(d)
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch sp := spec.(type) {
				case *ast.TypeSpec:
					c.typeSpec(sp)
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						c.value(n, platformValue(sp))
					}
				}
			}
		}
	}
}

type checker struct {
	path string
	real *types.Package
	mine *types.Package
	info *types.Info
	fset *token.FileSet
}

func (c *checker) str(t types.Type) string {
	var b strings.Builder
	c.write(&b, t, 0)
	return b.String()
}

func (c *checker) funcDecl(d *ast.FuncDecl) {
	if d.Body != nil {
		report("%s: func %s: stub has a body (%s)", c.path, d.Name.Name, c.fset.Position(d.Pos()))
	}
	obj, ok := c.info.Defs[d.Name].(*types.Func)
	if !ok {
		return
	}
	sig := obj.Signature()
	if d.Recv == nil {
		what := "func " + obj.Name()
		realObj := c.real.Scope().Lookup(obj.Name())
		rf, ok := realObj.(*types.Func)
		if !ok {
			c.missing(what, realObj)
			return
		}
		c.compare(what, c.sigStr(sig), c.sigStr(rf.Signature()))
		return
	}
	recvType := sig.Recv().Type()
	ptr := false
	if p, ok := recvType.(*types.Pointer); ok {
		recvType, ptr = p.Elem(), true
	}
	named, ok := recvType.(*types.Named)
	if !ok {
		return // the type checker has reported the bad receiver
	}
	tname := named.Obj().Name()
	what := "method " + tname + "." + obj.Name()
	realNamed := c.realNamed(tname)
	if realNamed == nil {
		report("%s: %s: no type %s in the real package", c.path, what, tname)
		return
	}
	var rm *types.Func
	for i := 0; i < realNamed.NumMethods(); i++ {
		if m := realNamed.Method(i); m.Name() == obj.Name() {
			rm = m
		}
	}
	if rm == nil {
		report("%s: %s: the real type %s declares no such method", c.path, what, tname)
		return
	}
	_, realPtr := rm.Signature().Recv().Type().(*types.Pointer)
	if ptr != realPtr {
		report("%s: %s: stub receiver pointer=%v != real pointer=%v", c.path, what, ptr, realPtr)
	}
	c.compare(what, c.sigStr(sig), c.sigStr(rm.Signature()))
}

func (c *checker) realNamed(name string) *types.Named {
	tn, ok := c.real.Scope().Lookup(name).(*types.TypeName)
	if !ok {
		return nil
	}
	n, _ := types.Unalias(tn.Type()).(*types.Named)
	return n
}

func (c *checker) missing(what string, realObj types.Object) {
	if realObj == nil {
		report("%s: %s: not in the real package", c.path, what)
	} else {
		report("%s: %s: the real object is a %s", c.path, what, kind(realObj))
	}
}

func kind(o types.Object) string {
	switch o := o.(type) {
	case *types.Func:
		return "func"
	case *types.Var:
		return "var"
	case *types.Const:
		return "const"
	case *types.TypeName:
		if o.IsAlias() {
			return "type alias"
		}
		return "type"
	}
	return fmt.Sprintf("%T", o)
}

func (c *checker) compare(what, stub, real string) {
	if stub != real {
		report("%s: %s: stub %s != real %s", c.path, what, stub, real)
	}
}

func (c *checker) typeSpec(sp *ast.TypeSpec) {
	obj, ok := c.info.Defs[sp.Name].(*types.TypeName)
	if !ok {
		return
	}
	what := "type " + obj.Name()
	realObj := c.real.Scope().Lookup(obj.Name())
	rt, ok := realObj.(*types.TypeName)
	if !ok {
		c.missing(what, realObj)
		return
	}
	if obj.IsAlias() != rt.IsAlias() {
		report("%s: %s: stub alias=%v != real alias=%v", c.path, what, obj.IsAlias(), rt.IsAlias())
		return
	}
	if obj.IsAlias() {
		c.compare(what, c.str(types.Unalias(obj.Type())), c.str(types.Unalias(rt.Type())))
		return
	}
	mn, ok1 := obj.Type().(*types.Named)
	rn, ok2 := rt.Type().(*types.Named)
	if !ok1 || !ok2 {
		return
	}
	c.compare(what+" type parameters", c.tparams(mn.TypeParams()), c.tparams(rn.TypeParams()))
	mu, ru := mn.Underlying(), rn.Underlying()
	switch mu := mu.(type) {
	case *types.Struct:
		rs, ok := ru.(*types.Struct)
		if !ok {
			report("%s: %s: stub struct != real %s", c.path, what, c.str(ru))
			return
		}
		c.structFields(what, mu, rs)
	case *types.Interface:
		ri, ok := ru.(*types.Interface)
		if !ok {
			report("%s: %s: stub interface != real %s", c.path, what, c.str(ru))
			return
		}
		c.iface(what, mu, ri)
	default:
		c.compare(what, c.str(mu), c.str(ru))
	}
}

func (c *checker) structFields(what string, mine, real *types.Struct) {
	realFields := map[string]*types.Var{}
	for i := 0; i < real.NumFields(); i++ {
		realFields[real.Field(i).Name()] = real.Field(i)
	}
	mineFields := map[string]bool{}
	for i := 0; i < mine.NumFields(); i++ {
		mineFields[mine.Field(i).Name()] = true
	}
	for i := 0; i < real.NumFields(); i++ {
		f := real.Field(i)
		if f.Embedded() && !mineFields[f.Name()] && promotesExported(f.Type()) {
			report("%s: %s: stub lacks embedded field %s, which promotes exported members", c.path, what, f.Name())
		}
	}
	for i := 0; i < mine.NumFields(); i++ {
		f := mine.Field(i)
		rf := realFields[f.Name()]
		fw := what + " field " + f.Name()
		if !f.Exported() && !f.Embedded() {
			report("%s: %s: stubs leave unexported fields out (embedded ones excepted)", c.path, fw)
			continue
		}
		if rf == nil || f.Name() == "_" {
			report("%s: %s: not in the real struct", c.path, fw)
			continue
		}
		if f.Embedded() != rf.Embedded() {
			report("%s: %s: stub embedded=%v != real embedded=%v", c.path, fw, f.Embedded(), rf.Embedded())
		}
		c.compare(fw, c.str(f.Type()), c.str(rf.Type()))
	}
}

func (c *checker) embeddeds(t *types.Interface) string {
	var l []string
	for i := 0; i < t.NumEmbeddeds(); i++ {
		l = append(l, c.str(t.EmbeddedType(i)))
	}
	return "[" + strings.Join(l, ", ") + "]"
}

func explicitMethods(t *types.Interface) string {
	var l []string
	for i := 0; i < t.NumExplicitMethods(); i++ {
		l = append(l, t.ExplicitMethod(i).Name())
	}
	sort.Strings(l)
	return "[" + strings.Join(l, " ") + "]"
}

// promotesExported reports whether embedding t brings exported methods or
// fields into the embedding struct.
func promotesExported(t types.Type) bool {
	ptr := t
	if _, ok := t.(*types.Pointer); !ok {
		ptr = types.NewPointer(t)
	}
	ms := types.NewMethodSet(ptr)
	for i := 0; i < ms.Len(); i++ {
		if ms.At(i).Obj().Exported() {
			return true
		}
	}
	if st, ok := types.Unalias(t).Underlying().(*types.Struct); ok {
		for i := 0; i < st.NumFields(); i++ {
			if st.Field(i).Exported() {
				return true
			}
		}
	}
	return false
}

func (c *checker) iface(what string, mine, real *types.Interface) {
	if !real.IsMethodSet() || !mine.IsMethodSet() {
		c.compare(what, c.str(mine), c.str(real))
		return
	}
	// The same methods must come from the same places: declared in the
	// interface itself or through the same embedded interfaces.
	c.compare(what+" embedded interfaces", c.embeddeds(mine), c.embeddeds(real))
	c.compare(what+" own methods", explicitMethods(mine), explicitMethods(real))
	ms := map[string]*types.Func{}
	for i := 0; i < mine.NumMethods(); i++ {
		ms[mine.Method(i).Name()] = mine.Method(i)
	}
	for i := 0; i < real.NumMethods(); i++ {
		rm := real.Method(i)
		m := ms[rm.Name()]
		if m == nil {
			report("%s: %s: stub lacks method %s", c.path, what, rm.Name())
			continue
		}
		delete(ms, rm.Name())
		c.compare(what+" method "+rm.Name(), c.sigStr(m.Signature()), c.sigStr(rm.Signature()))
	}
	var extra []string
	for n := range ms {
		extra = append(extra, n)
	}
	sort.Strings(extra)
	for _, n := range extra {
		report("%s: %s: method %s is not in the real interface", c.path, what, n)
	}
}

// platformMarker, as the line comment of a constant, says that its value
// depends on GOOS/GOARCH: the stub holds the linux/amd64 value and only the
// type is compared.
const platformMarker = "// value differs by platform"

func platformValue(sp *ast.ValueSpec) bool {
	return sp.Comment != nil && len(sp.Comment.List) == 1 && sp.Comment.List[0].Text == platformMarker
}

func (c *checker) value(n *ast.Ident, platform bool) {
	obj := c.info.Defs[n]
	if obj == nil || n.Name == "_" {
		return
	}
	realObj := c.real.Scope().Lookup(n.Name)
	switch obj := obj.(type) {
	case *types.Var:
		what := "var " + n.Name
		rv, ok := realObj.(*types.Var)
		if !ok {
			c.missing(what, realObj)
			return
		}
		c.compare(what, c.str(obj.Type()), c.str(rv.Type()))
	case *types.Const:
		what := "const " + n.Name
		rc, ok := realObj.(*types.Const)
		if !ok {
			c.missing(what, realObj)
			return
		}
		c.compare(what, c.str(obj.Type()), c.str(rc.Type()))
		if !platform && !constant.Compare(obj.Val(), token.EQL, rc.Val()) {
			report("%s: %s: stub value %s != real %s", c.path, what, obj.Val().ExactString(), rc.Val().ExactString())
		}
	}
}

func (c *checker) tparams(l *types.TypeParamList) string {
	if l.Len() == 0 {
		return ""
	}
	var parts []string
	for i := 0; i < l.Len(); i++ {
		tp := l.At(i)
		parts = append(parts, tp.Obj().Name()+" "+c.str(tp.Constraint()))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// sigStr prints a signature with type parameters, without parameter names.
func (c *checker) sigStr(sig *types.Signature) string {
	var b strings.Builder
	b.WriteString(c.tparams(sig.TypeParams()))
	c.writeSig(&b, sig, 0)
	return b.String()
}

func (c *checker) writeSig(b *strings.Builder, sig *types.Signature, depth int) {
	b.WriteByte('(')
	for i := 0; i < sig.Params().Len(); i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		t := sig.Params().At(i).Type()
		if sig.Variadic() && i == sig.Params().Len()-1 {
			if s, ok := t.(*types.Slice); ok {
				b.WriteString("...")
				t = s.Elem()
			}
		}
		c.write(b, t, depth+1)
	}
	b.WriteByte(')')
	switch r := sig.Results(); r.Len() {
	case 0:
	case 1:
		b.WriteByte(' ')
		c.write(b, r.At(0).Type(), depth+1)
	default:
		b.WriteString(" (")
		for i := 0; i < r.Len(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			c.write(b, r.At(i).Type(), depth+1)
		}
		b.WriteByte(')')
	}
}

// qualifier names other packages by import path; the checked package (stub or
// real) by nothing, so both sides print alike.
func (c *checker) qualifier(p *types.Package) string {
	if p.Path() == c.path {
		return ""
	}
	return p.Path()
}

// write prints a type like types.TypeString, but without the parameter
// names of function types, and with named types qualified by import path.
func (c *checker) write(b *strings.Builder, t types.Type, depth int) {
	if depth > 50 {
		b.WriteString("...")
		return
	}
	switch t := t.(type) {
	case *types.Signature:
		b.WriteString("func")
		c.writeSig(b, t, depth)
	case *types.Pointer:
		b.WriteByte('*')
		c.write(b, t.Elem(), depth+1)
	case *types.Slice:
		b.WriteString("[]")
		c.write(b, t.Elem(), depth+1)
	case *types.Array:
		fmt.Fprintf(b, "[%d]", t.Len())
		c.write(b, t.Elem(), depth+1)
	case *types.Map:
		b.WriteString("map[")
		c.write(b, t.Key(), depth+1)
		b.WriteByte(']')
		c.write(b, t.Elem(), depth+1)
	case *types.Chan:
		switch t.Dir() {
		case types.SendRecv:
			b.WriteString("chan ")
		case types.SendOnly:
			b.WriteString("chan<- ")
		case types.RecvOnly:
			b.WriteString("<-chan ")
		}
		c.write(b, t.Elem(), depth+1)
	case *types.Struct:
		b.WriteString("struct{")
		for i := 0; i < t.NumFields(); i++ {
			if i > 0 {
				b.WriteString("; ")
			}
			f := t.Field(i)
			if !f.Embedded() {
				b.WriteString(f.Name() + " ")
			}
			c.write(b, f.Type(), depth+1)
		}
		b.WriteByte('}')
	case *types.Named:
		o := t.Obj()
		if o.Pkg() != nil {
			if q := c.qualifier(o.Pkg()); q != "" {
				b.WriteString(q + ".")
			}
		}
		b.WriteString(o.Name())
		if args := t.TypeArgs(); args.Len() > 0 {
			b.WriteByte('[')
			for i := 0; i < args.Len(); i++ {
				if i > 0 {
					b.WriteString(", ")
				}
				c.write(b, args.At(i), depth+1)
			}
			b.WriteByte(']')
		}
	default:
		b.WriteString(types.TypeString(t, c.qualifier))
	}
}
