package p

const bits = 0b102
