package p

var r = ''
