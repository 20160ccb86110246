package p

const mask = 0x
