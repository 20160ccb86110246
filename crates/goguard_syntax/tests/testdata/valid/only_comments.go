// Copyright notice.

// Package onlycomments has a package clause and comments only.
package onlycomments

// A comment at the end.
