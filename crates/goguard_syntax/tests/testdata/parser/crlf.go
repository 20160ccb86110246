package p

// crlf comment
var x = `a
b`
