//! Running in the foreground: what the command-line runner (`bidcert emulator` and the
//! `bidcert-emulator` binary, in the bidcert-cli package) waits for before it stops.

/// Blocks until SIGINT (Ctrl-C) or SIGTERM; on other platforms, until Ctrl-C.
pub fn wait_for_shutdown_signal() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    runtime.block_on(async {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let mut term = signal(SignalKind::terminate())?;
            tokio::select! {
                r = tokio::signal::ctrl_c() => r,
                _ = term.recv() => Ok(()),
            }
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c().await
        }
    })
}
