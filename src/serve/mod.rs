//! `gazette serve`: builds the site into a temporary folder (never the user's
//! `public/`), serves it on loopback, rebuilds on every change and pushes
//! reloads to open pages. A bad edit is shown and the last good site stays up.
//!
//! `changes` classifies (pure), `watch` feeds it, `rebuild` acts, `reload`
//! tells the browser, `http` serves, `located` turns failures into problems.

mod changes;
pub mod command;
mod http;
mod located;
mod rebuild;
mod reload;
mod watch;

pub use changes::{classify, Change, Layout};
pub use http::{etag_matches, is_safe_path};
pub use reload::{inject, LiveEvent, EVENTS_PATH, SCRIPT_PATH, SCRIPT_TAG};

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use tokio::sync::watch as signal;

use crate::build::{BuildOptions, BuildReport};
use rebuild::Rebuilder;
use reload::Live;

/// How long after a shutdown request open connections may take to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(300);

#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// What to build; `output` and `base_url` are replaced (a temporary folder
    /// and the served URL).
    pub build: BuildOptions,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// How long the watcher waits for a burst of writes to settle.
    pub debounce: Duration,
    /// Print build outcomes on stderr.
    pub log: bool,
    /// Stop on Ctrl-C (the command line); tests stop with `shutdown`.
    pub ctrl_c: bool,
}

impl ServeOptions {
    pub fn new(build: BuildOptions) -> Self {
        ServeOptions {
            build,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 1111,
            debounce: Duration::from_millis(150),
            log: true,
            ctrl_c: false,
        }
    }
}

/// A running preview server.
pub struct Server {
    addr: SocketAddr,
    url: String,
    site_dir: PathBuf,
    first_build: anyhow::Result<BuildReport>,
    stop: Arc<signal::Sender<bool>>,
    http: Option<JoinHandle<()>>,
    worker: Option<JoinHandle<()>>,
    workdir: Option<tempfile::TempDir>,
}

/// Binds, builds, starts watching and serving; returns once the site is up.
/// A first build that fails still starts the server: the browser shows why,
/// and the site appears when the files are fixed.
pub fn start(options: ServeOptions) -> anyhow::Result<Server> {
    let mut build = absolute_paths(options.build)?;
    let layout = Layout {
        root: build.root.clone(),
        content: build.content.clone(),
        config: build.config.clone(),
    };
    let workdir = tempfile::Builder::new()
        .prefix("gazette-serve-")
        .tempdir()
        .context("creating the temporary site folder")?;
    let site_dir = workdir.path().join("site");
    let listener = std::net::TcpListener::bind((options.bind, options.port))
        .with_context(|| format!("binding {}:{}", options.bind, options.port))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let url = site_url(addr);
    build.output = site_dir.clone();
    build.base_url = Some(url.clone());

    let live = Live::new();
    let mut rebuilder = Rebuilder::new(build, layout.clone(), live.clone(), options.log);
    let first_build = rebuilder.initial();

    let (stop, _) = signal::channel(false);
    let stop = Arc::new(stop);
    let (batches_in, batches) = mpsc::channel();
    let watcher =
        watch::start(&layout, options.debounce, batches_in).context("watching the site")?;
    let worker = {
        let stop = stop.subscribe();
        std::thread::Builder::new()
            .name("gazette-rebuild".into())
            .spawn(move || rebuild_loop(rebuilder, watcher, layout, batches, stop))?
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("gazette-http")
        .enable_all()
        .build()?;
    let app = http::router(site_dir.clone(), live, stop.subscribe());
    let http = {
        let stop = stop.clone();
        std::thread::Builder::new()
            .name("gazette-serve".into())
            .spawn(move || {
                runtime.block_on(serve(listener, app, stop, options.ctrl_c));
                runtime.shutdown_timeout(Duration::from_millis(100));
            })?
    };
    Ok(Server {
        addr,
        url,
        site_dir,
        first_build,
        stop,
        http: Some(http),
        worker: Some(worker),
        workdir: Some(workdir),
    })
}

impl Server {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://host:port`, without a trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The temporary folder the site is built into and served from.
    pub fn site_dir(&self) -> &Path {
        &self.site_dir
    }

    pub fn first_build(&self) -> &anyhow::Result<BuildReport> {
        &self.first_build
    }

    /// Blocks until the server stops (Ctrl-C, when enabled), then cleans up.
    pub fn wait(mut self) {
        self.finish();
    }

    /// Stops serving and watching; returns within about a second.
    pub fn shutdown(mut self) {
        self.stop.send_replace(true);
        self.finish();
    }

    /// Waits for the HTTP side, gives the rebuild side (which stops at the same
    /// signal) a moment, then deletes the temporary site.
    fn finish(&mut self) {
        if let Some(http) = self.http.take() {
            let _ = http.join();
        }
        if let Some(worker) = self.worker.take() {
            // A build in progress is not waited for past this: it fails
            // harmlessly once its folder is gone, or dies with the process.
            let deadline = Instant::now() + Duration::from_millis(200);
            while !worker.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
            if worker.is_finished() {
                let _ = worker.join();
            }
        }
        if let Some(workdir) = self.workdir.take() {
            // Many pages delete faster in parallel.
            let _ = crate::write::remove_tree(&self.site_dir);
            drop(workdir);
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.send_replace(true);
        self.finish();
    }
}

async fn serve(
    listener: std::net::TcpListener,
    app: axum::Router,
    stop: Arc<signal::Sender<bool>>,
    ctrl_c: bool,
) {
    let listener = match tokio::net::TcpListener::from_std(listener) {
        Ok(listener) => listener,
        Err(e) => {
            tracing::error!("cannot serve: {e}");
            return;
        }
    };
    let stopped = {
        let stop = stop.clone();
        async move {
            let mut requested = stop.subscribe();
            tokio::select! {
                _ = requested.wait_for(|s| *s) => {}
                _ = ctrl_c_pressed(ctrl_c) => { stop.send_replace(true); }
            }
        }
    };
    // Without TCP_NODELAY a small file sent as headers then body waits on
    // the client's delayed ACK: about 40 ms per request.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("TCP_NODELAY: {e}");
        }
    });
    let server = axum::serve(listener, app).with_graceful_shutdown(stopped);
    let mut requested = stop.subscribe();
    tokio::select! {
        result = std::future::IntoFuture::into_future(server) => {
            if let Err(e) = result {
                tracing::error!("serving: {e}");
            }
        }
        // Connections still open after the grace period are cut.
        _ = async {
            let _ = requested.wait_for(|s| *s).await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => {}
    }
}

async fn ctrl_c_pressed(enabled: bool) {
    if enabled && tokio::signal::ctrl_c().await.is_ok() {
        return;
    }
    std::future::pending::<()>().await
}

fn rebuild_loop(
    mut rebuilder: Rebuilder,
    mut watcher: watch::Watcher,
    layout: Layout,
    batches: mpsc::Receiver<Vec<PathBuf>>,
    stop: signal::Receiver<bool>,
) {
    while !*stop.borrow() {
        let mut changed = match batches.recv_timeout(Duration::from_millis(50)) {
            Ok(batch) => batch,
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        // Whatever arrived during the last build is handled in one go.
        while let Ok(more) = batches.try_recv() {
            changed.extend(more);
        }
        changed.sort();
        changed.dedup();
        watch::watch_new_folders(&mut watcher, &layout, &changed);
        tracing::debug!("changed: {changed:?}");
        rebuilder.apply(&changed);
    }
}

/// The served URL; an unspecified bind address is shown as its loopback.
fn site_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

/// The watcher reports absolute paths; the build and the classifier must use
/// the same ones.
fn absolute_paths(mut options: BuildOptions) -> anyhow::Result<BuildOptions> {
    options.root = crate::write::absolute(&options.root)?;
    options.content = crate::write::absolute(&options.content)?;
    options.config = crate::write::absolute(&options.config)?;
    Ok(options)
}
