package p

const f = 0x1.8
