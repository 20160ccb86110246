package p

var x = "bom at start only"
