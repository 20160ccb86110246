package strs

const query = `
SELECT id, name
FROM users
WHERE name LIKE '%"quoted"%' -- not a Go comment
	/* nor is this */
`

const empty = ``

const backslashes = `C:\path\to\file\n is not an escape`

var escapes = "\a\b\f\n\r\t\v\\\"'"

var numeric = "\101\x41\u12e4\U00101234\377\xff"

var utf8 = "héllo, 世界 🙂"

var runes = []rune{
	'a',
	'\x41',
	'\u12e4',
	'\U00101234',
	'\'',
	'\\',
	'"',
	'\000',
	'\377',
	'\n',
	'\a', '\b', '\f', '\r', '\t', '\v',
	'ä',
	'世',
	'🙂',
	' ',
}

var concat = "a" +
	`b` +
	"c"

var slashes = "http://example.com/*not a comment*/"

var rawSlashes = `// not a comment`

const tmpl = `{{define "x"}}
{{.Name}}
{{end}}`
