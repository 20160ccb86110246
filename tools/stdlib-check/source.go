package main

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"sync"
)

// sourceImporter type-checks standard-library packages from GOROOT sources,
// exported API only: function bodies are skipped, cgo is off (the exported
// API of the stubbed packages does not depend on it), and the files of each
// package are parsed in parallel. It needs no build cache.
type sourceImporter struct {
	fset     *token.FileSet
	ctxt     build.Context
	packages map[string]*types.Package
	errs     map[string]error
}

func newSourceImporter(fset *token.FileSet) *sourceImporter {
	ctxt := build.Default
	ctxt.CgoEnabled = false
	return &sourceImporter{fset: fset, ctxt: ctxt, packages: map[string]*types.Package{}, errs: map[string]error{}}
}

func (imp *sourceImporter) Import(path string) (*types.Package, error) {
	return imp.ImportFrom(path, "", 0)
}

// ImportFrom resolves path as imported from the package in dir, which
// finds GOROOT's vendored packages (golang.org/x/net/... imported by net).
func (imp *sourceImporter) ImportFrom(path, dir string, _ types.ImportMode) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	bp, err := imp.ctxt.Import(path, dir, build.FindOnly)
	if err != nil {
		return nil, fmt.Errorf("package %s does not exist: %v", path, err)
	}
	path = bp.ImportPath
	if p, ok := imp.packages[path]; ok {
		if p == nil {
			return nil, fmt.Errorf("import cycle through %s", path)
		}
		return p, nil
	}
	if err, ok := imp.errs[path]; ok {
		return nil, err
	}
	p, err := imp.load(path)
	if err != nil {
		delete(imp.packages, path)
		imp.errs[path] = err
		return nil, err
	}
	imp.packages[path] = p
	return p, nil
}

func (imp *sourceImporter) load(path string) (*types.Package, error) {
	imp.packages[path] = nil // marks the import as in progress
	bp, err := imp.ctxt.Import(path, "", 0)
	if err != nil {
		return nil, fmt.Errorf("package %s does not exist: %v", path, err)
	}
	if !bp.Goroot {
		return nil, fmt.Errorf("package %s is not in the standard library", path)
	}
	files := make([]*ast.File, len(bp.GoFiles))
	errs := make([]error, len(bp.GoFiles))
	var wg sync.WaitGroup
	for i, name := range bp.GoFiles {
		wg.Go(func() {
			files[i], errs[i] = parser.ParseFile(imp.fset, filepath.Join(bp.Dir, name), nil, parser.SkipObjectResolution)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	var firstErr error
	conf := types.Config{
		IgnoreFuncBodies: true,
		Importer:         imp,
		FakeImportC:      true,
		Error: func(err error) {
			if firstErr == nil {
				firstErr = err
			}
		},
	}
	pkg, _ := conf.Check(path, imp.fset, files, nil)
	if firstErr != nil {
		return nil, fmt.Errorf("type-checking %s: %v", path, firstErr)
	}
	return pkg, nil
}
