//! The process's one Tokio runtime, on which every call of both Python clients runs, and the
//! two ways Python waits for one:
//!
//! - `Client` (blocking): the calling thread waits without the GIL, and every
//!   [`SIGNAL_CHECK`] takes it back to run Python's signal handlers, so that Ctrl-C raises
//!   `KeyboardInterrupt` promptly; the call's task is then aborted (its connection closed).
//! - `AsyncClient`: a call is an `asyncio.Future` of the running loop. The runtime never
//!   takes the GIL: a finished call is queued on the loop's [`Completions`] and one byte on
//!   a socket pair wakes the loop (`loop.add_reader`), which sets every queued result at once.
//!   Cancelling the future aborts the call's task.

use std::future::Future;
use std::io::{Read as _, Write as _};
use std::sync::{mpsc, Arc, Mutex, MutexGuard};
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use crate::errors::{exception, BindingError};

/// How often a blocking call's thread looks at Python's pending signals.
const SIGNAL_CHECK: Duration = Duration::from_millis(20);

// The runtime and the process that made it: a child of `fork()` inherits the value but not
// the threads, so it makes its own.
static RUNTIME: Mutex<Option<(u32, Arc<tokio::runtime::Runtime>)>> = Mutex::new(None);

/// The runtime of this process, started at its first call. One worker thread: the calls'
/// CPU is a few microseconds of signing and parsing around each network round trip, and a
/// single worker wakes and switches least. Credentials refreshes and uncached name lookups
/// run on its blocking pool.
pub(crate) fn runtime() -> PyResult<Arc<tokio::runtime::Runtime>> {
    let mut slot = RUNTIME.lock().unwrap_or_else(|p| p.into_inner());
    let pid = std::process::id();
    if let Some((owner, rt)) = slot.as_ref() {
        if *owner == pid {
            return Ok(rt.clone());
        }
        // Inherited through fork(): its threads are not in this process, and dropping it
        // would wait for them.
        if let Some((_, inherited)) = slot.take() {
            std::mem::forget(inherited);
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("bidcert-runtime")
        .enable_all()
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start bidcert's runtime: {e}")))?;
    let rt = Arc::new(rt);
    *slot = Some((pid, rt.clone()));
    Ok(rt)
}

/// Runs `call` on the runtime while this thread waits without the GIL, running Python's
/// signal handlers every [`SIGNAL_CHECK`]: an exception they raise (`KeyboardInterrupt`)
/// aborts the call and is raised here.
pub(crate) fn wait_for<T, F>(py: Python<'_>, call: F) -> PyResult<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let (tx, rx) = mpsc::sync_channel(1);
    let task = runtime()?.spawn(async move {
        let _ = tx.send(call.await);
    });
    py.detach(move || loop {
        match rx.recv_timeout(SIGNAL_CHECK) {
            Ok(value) => return Ok(value),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Err(interrupted) = Python::attach(|py| py.check_signals()) {
                    task.abort();
                    return Err(interrupted);
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(PyRuntimeError::new_err(
                    "the call's task ended without an answer",
                ))
            }
        }
    })
}

/// Turns a finished call's value into the future's result, on the loop's thread.
type Settle = Box<dyn FnOnce(Python<'_>) -> PyResult<Result<Py<PyAny>, Py<PyAny>>> + Send>;

struct Finished {
    future: Py<PyAny>,
    settle: Settle,
}

struct Queue {
    finished: Mutex<Vec<Finished>>,
    // The end the runtime writes to; `Completions::reader` is the loop's.
    waker: std::os::unix::net::UnixStream,
}

impl Queue {
    fn lock(&self) -> MutexGuard<'_, Vec<Finished>> {
        self.finished.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn push(&self, done: Finished) {
        let was_empty = {
            let mut finished = self.lock();
            finished.push(done);
            finished.len() == 1
        };
        if was_empty {
            // One byte per batch; a full buffer already holds a wake-up.
            let _ = (&self.waker).write(&[1]);
        }
    }
}

/// The finished calls of one event loop, waiting to be handed to it. Made by
/// `bidcert.AsyncClient` for each loop it runs on (`loop.add_reader(c.fileno(), c.drain)`).
#[pyclass(frozen, module = "bidcert._native", name = "Completions")]
pub(crate) struct Completions {
    event_loop: Py<PyAny>,
    queue: Arc<Queue>,
    reader: std::os::unix::net::UnixStream,
}

#[pymethods]
impl Completions {
    #[new]
    fn new(event_loop: Py<PyAny>) -> PyResult<Self> {
        let (reader, waker) = std::os::unix::net::UnixStream::pair()?;
        reader.set_nonblocking(true)?;
        waker.set_nonblocking(true)?;
        Ok(Completions {
            event_loop,
            queue: Arc::new(Queue {
                finished: Mutex::new(Vec::new()),
                waker,
            }),
            reader,
        })
    }

    /// The descriptor the loop watches for finished calls.
    fn fileno(&self) -> i32 {
        use std::os::fd::AsRawFd;
        self.reader.as_raw_fd()
    }

    /// Sets the result (or exception) of every finished call's future: the loop's reader
    /// callback.
    fn drain(&self, py: Python<'_>) -> PyResult<()> {
        // The wake-ups first, then the queue: a call finishing in between wakes the loop
        // again rather than being missed.
        let mut sink = [0u8; 256];
        while matches!((&self.reader).read(&mut sink), Ok(n) if n > 0) {}
        let finished = std::mem::take(&mut *self.queue.lock());
        for Finished { future, settle } in finished {
            let future = future.bind(py);
            if future.call_method0("done")?.is_truthy()? {
                continue; // cancelled meanwhile
            }
            match settle(py)? {
                Ok(value) => future.call_method1("set_result", (value,))?,
                Err(exc) => future.call_method1("set_exception", (exc,))?,
            };
        }
        Ok(())
    }
}

/// Aborts a call's task when its future is done: cancelled (its task is dropped, and the
/// attempt in flight with it) or already finished (then nothing happens).
#[pyclass(frozen, module = "bidcert._native")]
struct AbortOnDone(tokio::task::AbortHandle);

#[pymethods]
impl AbortOnDone {
    fn __call__(&self, _future: &Bound<'_, PyAny>) {
        self.0.abort();
    }
}

/// Starts `call` on the runtime and answers a future of `completions`' loop that gets its
/// value, converted by `convert` on the loop's thread, or its error as the exception.
pub(crate) fn spawn_future<'py, T, F>(
    py: Python<'py>,
    completions: &Bound<'py, Completions>,
    call: F,
    convert: fn(Python<'_>, T) -> PyResult<Py<PyAny>>,
) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Result<T, bidcert::Error>> + Send + 'static,
    T: Send + 'static,
{
    let this = completions.get();
    let future = this.event_loop.bind(py).call_method0("create_future")?;
    let queue = this.queue.clone();
    let for_task = future.clone().unbind();
    let task = runtime()?.spawn(async move {
        let outcome = call.await;
        let settle: Settle = Box::new(move |py| match outcome {
            Ok(value) => convert(py, value).map(Ok),
            Err(e) => exception(py, BindingError::from(e)).map(|exc| Err(exc.unbind())),
        });
        queue.push(Finished {
            future: for_task,
            settle,
        });
    });
    future.call_method1("add_done_callback", (AbortOnDone(task.abort_handle()),))?;
    Ok(future)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Completions>()
}
