//! Where the calls of both Python clients run, and how Python waits for one:
//!
//! - `Client` (blocking): on a runtime of the calling thread's own, which that thread drives
//!   itself while it waits without the GIL (no thread hop: the request is written and its
//!   answer read on the calling thread, as a blocking HTTP client would), with a connection
//!   pool of that thread's. Every [`SIGNAL_CHECK`] it takes the GIL back to run Python's
//!   signal handlers, so that Ctrl-C raises `KeyboardInterrupt` promptly; the call's future is
//!   then dropped, which closes its connection.
//! - `AsyncClient`: on the process's one multi-threaded runtime. A call is an
//!   `asyncio.Future` of the running loop; the runtime never takes the GIL: a finished call
//!   is queued on the loop's [`Completions`] and one byte on a socket pair wakes the loop
//!   (`loop.add_reader`), which sets every queued result at once. Cancelling the future aborts
//!   the call's task.

use std::cell::RefCell;
use std::future::Future;
use std::io::{Read as _, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use crate::errors::{exception, BindingError};

/// How often a blocking call's thread looks at Python's pending signals.
const SIGNAL_CHECK: Duration = Duration::from_millis(20);

// Forks seen (`os.register_at_fork`): a child inherits the runtimes' state but not their
// threads, and shares their epoll sets and sockets with its parent, so it makes new ones
// and leaves the inherited ones alone.
static FORKS: AtomicU64 = AtomicU64::new(0);

/// The forks seen so far: what a pool made in another generation belongs to a parent.
pub(crate) fn generation() -> u64 {
    FORKS.load(Ordering::SeqCst)
}

/// Called in a child process after `fork()`.
#[pyfunction]
fn _after_fork() {
    FORKS.fetch_add(1, Ordering::SeqCst);
}

// The process's runtime and the fork generation that made it.
static RUNTIME: Mutex<Option<(u64, Arc<tokio::runtime::Runtime>)>> = Mutex::new(None);

fn started(rt: std::io::Result<tokio::runtime::Runtime>) -> PyResult<tokio::runtime::Runtime> {
    rt.map_err(|e| PyRuntimeError::new_err(format!("cannot start bidcert's runtime: {e}")))
}

/// The runtime of this process (for `AsyncClient`), started at its first call. One worker
/// thread: the calls' CPU is a few microseconds of signing and parsing around each network
/// round trip, and a single worker wakes and switches least. Credentials refreshes and
/// uncached name lookups run on its blocking pool.
pub(crate) fn runtime() -> PyResult<Arc<tokio::runtime::Runtime>> {
    let mut slot = RUNTIME.lock().unwrap_or_else(|p| p.into_inner());
    let generation = FORKS.load(Ordering::SeqCst);
    match slot.take() {
        Some((made, rt)) if made == generation => {
            *slot = Some((made, rt.clone()));
            return Ok(rt);
        }
        // Inherited through fork(): dropping it would wait for threads that are not here.
        Some((_, inherited)) => std::mem::forget(inherited),
        None => {}
    }
    let rt = Arc::new(started(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("bidcert-runtime")
            .enable_all()
            .build(),
    )?);
    *slot = Some((generation, rt.clone()));
    Ok(rt)
}

/// A thread's runtime for its blocking calls, and its connection pools, one per client.
struct Local {
    generation: u64,
    rt: tokio::runtime::Runtime,
    // Each client's pool on this thread, dropped once the client is closed.
    pools: Vec<(Weak<()>, bidcert::AsyncClient)>,
}

thread_local! {
    static LOCAL: RefCell<Option<Local>> = const { RefCell::new(None) };
}

/// Runs the call `start` makes with `client` (whose liveness `alive` tells) on this thread's
/// runtime, the thread waiting without the GIL and running Python's signal handlers every
/// [`SIGNAL_CHECK`]: an exception they raise (`KeyboardInterrupt`) drops the call and is
/// raised here.
pub(crate) fn block_on<T, F>(
    py: Python<'_>,
    client: &bidcert::AsyncClient,
    alive: &Arc<()>,
    start: impl FnOnce(bidcert::AsyncClient) -> F,
) -> PyResult<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    LOCAL.with(|cell| {
        let Ok(mut local) = cell.try_borrow_mut() else {
            // A signal handler calling again while this thread waits: the shared runtime
            // serves it.
            return wait_for(py, start(client.clone()));
        };
        let generation = FORKS.load(Ordering::SeqCst);
        if local.as_ref().is_some_and(|l| l.generation != generation) {
            std::mem::forget(local.take());
        }
        if local.is_none() {
            let rt = started(
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build(),
            )?;
            *local = Some(Local {
                generation,
                rt,
                pools: Vec::new(),
            });
        }
        let Some(local) = local.as_mut() else {
            unreachable!("made above")
        };
        local.pools.retain(|(owner, _)| owner.strong_count() > 0);
        let owner = Arc::downgrade(alive);
        let own = match local.pools.iter().find(|(o, _)| Weak::ptr_eq(o, &owner)) {
            Some((_, own)) => own.clone(),
            None => {
                let own = client.with_own_pool().map_err(BindingError::from)?;
                local.pools.push((owner, own.clone()));
                own
            }
        };
        let call = start(own);
        let rt = &local.rt;
        py.detach(move || {
            rt.block_on(async move {
                let mut call = std::pin::pin!(call);
                loop {
                    match tokio::time::timeout(SIGNAL_CHECK, call.as_mut()).await {
                        Ok(value) => return Ok(value),
                        Err(_) => Python::attach(|py| py.check_signals())?,
                    }
                }
            })
        })
    })
}

/// Runs `call` on the process's runtime while this thread waits without the GIL, running
/// Python's signal handlers every [`SIGNAL_CHECK`]: an exception they raise aborts the call
/// and is raised here.
fn wait_for<T, F>(py: Python<'_>, call: F) -> PyResult<T>
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
    m.add_function(wrap_pyfunction!(_after_fork, m)?)?;
    m.add_class::<Completions>()
}
