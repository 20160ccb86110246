package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"
)

type Server struct {
	mux    *http.ServeMux
	log    *slog.Logger
	store  Store
	limits chan struct{}
}

type Store interface {
	Load(ctx context.Context, id string) (*Item, error)
}

type Item struct {
	ID    string    `json:"id"`
	Name  string    `json:"name"`
	Added time.Time `json:"added"`
}

func NewServer(store Store, log *slog.Logger) *Server {
	s := &Server{mux: http.NewServeMux(), log: log, store: store, limits: make(chan struct{}, 64)}
	s.mux.HandleFunc("GET /items/{id}", s.withLimit(s.getItem))
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// withLimit bounds concurrent requests with a semaphore channel.
func (s *Server) withLimit(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case s.limits <- struct{}{}:
			defer func() { <-s.limits }()
		case <-r.Context().Done():
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		next(w, r)
	}
}

func (s *Server) getItem(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	item, err := s.store.Load(ctx, r.PathValue("id"))
	switch {
	case err != nil:
		s.log.ErrorContext(ctx, "load failed", "err", err)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	case item == nil:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(item); err != nil {
		s.log.Warn("encode", "err", err)
	}
}

func (s *Server) Run(ctx context.Context, addr string) error {
	srv := &http.Server{Addr: addr, Handler: s, ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(shutdownCtx)
	}
}
