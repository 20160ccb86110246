package server

import "net/http"

type Server struct {
	mux *http.ServeMux
}

func (s *Server) Handle(w http.ResponseWriter, r *