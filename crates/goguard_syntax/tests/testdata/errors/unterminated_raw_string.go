package p

const query = `SELECT *
FROM users

func f() {}
