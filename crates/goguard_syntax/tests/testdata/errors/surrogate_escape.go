package p

var r = '\uD800'
