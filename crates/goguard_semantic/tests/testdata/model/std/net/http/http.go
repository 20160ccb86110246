package http

import (
	"context"
	"io"
)

type Header map[string][]string

type Response struct {
	Status     string
	StatusCode int
	Header     Header
	Body       io.ReadCloser
	Request    *Request
}

type Request struct {
	Method string
	ctx    context.Context
}

func (r *Request) Context() context.Context

type Client struct {
	Timeout int64
}

func (c *Client) Do(req *Request) (*Response, error)

var DefaultClient = &Client{}

func Get(url string) (resp *Response, err error)

func NewRequestWithContext(ctx context.Context, method, url string, body io.Reader) (*Request, error)
