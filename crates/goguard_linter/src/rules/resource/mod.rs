//! Rules of the resource domain.

use crate::engine::Rule;

pub mod bufio_writer_not_flushed;
pub mod defer_before_error_check;
pub mod defer_in_loop;
pub mod exec_pipe_not_consumed;
pub mod file_not_closed;
pub mod http_client_without_timeout;
pub mod http_server_without_timeouts;
pub mod response_body_not_closed;
pub mod sql_rows_err_unchecked;
pub mod sql_rows_not_closed;
pub mod sql_stmt_not_closed;
pub mod ticker_not_stopped;

/// The rules of this domain, in code order.
pub const RULES: &[&dyn Rule] = &[
    &response_body_not_closed::ResponseBodyNotClosed,
    &sql_rows_not_closed::SqlRowsNotClosed,
    &sql_rows_err_unchecked::SqlRowsErrUnchecked,
    &sql_stmt_not_closed::SqlStmtNotClosed,
    &file_not_closed::FileNotClosed,
    &ticker_not_stopped::TickerNotStopped,
    &defer_in_loop::DeferInLoop,
    &defer_before_error_check::DeferBeforeErrorCheck,
    &http_client_without_timeout::HttpClientWithoutTimeout,
    &http_server_without_timeouts::HttpServerWithoutTimeouts,
    &exec_pipe_not_consumed::ExecPipeNotConsumed,
    &bufio_writer_not_flushed::BufioWriterNotFlushed,
];
