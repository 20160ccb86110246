// The file starts with a byte order mark, which Go allows only there.
package bom

const Marker = "\ufeff is fine inside a string"

func Hello() string { return "hello" }
