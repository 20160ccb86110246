package p

var r = '\400'
