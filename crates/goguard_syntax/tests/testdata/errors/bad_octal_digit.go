package p

const mode = 09
