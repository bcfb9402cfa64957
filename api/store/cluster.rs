//! A PostgreSQL cluster of our own, made with the locally installed server binaries.
//!
//! The service uses one when no `DATABASE_URL` is given (a persistent cluster under the data
//! directory), and the test suite uses a throwaway one. `initdb` refuses to run as root, so
//! when we are root the cluster is created and run as the `postgres` system user.

use std::ffi::CString;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{Context, bail};

/// Where the PostgreSQL server binaries are.
#[derive(Debug, Clone)]
pub struct PgBinaries {
    dir: PathBuf,
}

const INSTALL_HINT: &str = "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found. \
Install them (Debian/Ubuntu: `sudo apt-get install postgresql`), or set EFILING_PG_BIN to the \
directory that holds them (e.g. /usr/lib/postgresql/15/bin), or set DATABASE_URL to use a \
running server instead.";

impl PgBinaries {
    /// Finds the binaries: the configured directory, then `PATH`, then the newest
    /// `/usr/lib/postgresql/<version>/bin` (where Debian puts them, off the `PATH`).
    pub fn locate(configured: Option<&Path>) -> anyhow::Result<PgBinaries> {
        if let Some(dir) = configured {
            if has_server_binaries(dir) {
                return Ok(PgBinaries {
                    dir: dir.to_path_buf(),
                });
            }
            bail!(
                "EFILING_PG_BIN={} does not hold initdb, pg_ctl and postgres. {INSTALL_HINT}",
                dir.display()
            );
        }
        let on_path = std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
            .unwrap_or_default();
        if let Some(dir) = on_path.into_iter().find(|d| has_server_binaries(d)) {
            return Ok(PgBinaries { dir });
        }
        let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| {
                let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
                let bin = entry.path().join("bin");
                has_server_binaries(&bin).then_some((version, bin))
            })
            .collect();
        versions.sort();
        match versions.pop() {
            Some((_, dir)) => Ok(PgBinaries { dir }),
            None => bail!("{INSTALL_HINT}"),
        }
    }

    fn tool(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

fn has_server_binaries(dir: &Path) -> bool {
    ["initdb", "pg_ctl", "postgres"]
        .iter()
        .all(|tool| dir.join(tool).is_file())
}

/// Settings for a cluster we run ourselves.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// Data directory; created (and initialised) when missing.
    pub data_dir: PathBuf,
    /// TCP port on 127.0.0.1.
    pub port: u16,
    /// Trade durability for speed (for throwaway test clusters only).
    pub ephemeral: bool,
}

/// A running cluster under our control.
#[derive(Debug)]
pub struct LocalCluster {
    binaries: PgBinaries,
    options: ClusterOptions,
    run_as: Option<SystemUser>,
    started_here: bool,
}

#[derive(Debug, Clone, Copy)]
struct SystemUser {
    uid: u32,
    gid: u32,
}

impl LocalCluster {
    /// Initialises the cluster when its data directory is new, and starts it unless it is
    /// already running. Only a cluster started here is stopped by [`LocalCluster::stop`].
    pub fn ensure_running(
        binaries: PgBinaries,
        options: ClusterOptions,
    ) -> anyhow::Result<LocalCluster> {
        let run_as = if is_root() {
            Some(system_user("postgres").context(
                "running as root, PostgreSQL must run as the `postgres` system user, which does \
                 not exist (it comes with the Debian/Ubuntu `postgresql` package)",
            )?)
        } else {
            None
        };
        let mut cluster = LocalCluster {
            binaries,
            options,
            run_as,
            started_here: false,
        };
        if cluster.run_as.is_some() {
            // The postgres user must be able to reach the data directory: every directory
            // above it needs search permission (a checkout under /root or under a private
            // temporary directory lacks it).
            for ancestor in cluster.options.data_dir.ancestors().skip(1) {
                if ancestor.as_os_str().is_empty() || !ancestor.exists() {
                    continue;
                }
                make_traversable(ancestor)?;
            }
        }
        if !cluster.options.data_dir.join("PG_VERSION").is_file() {
            cluster.init()?;
        }
        if !cluster.is_running() {
            cluster.start()?;
            cluster.started_here = true;
        }
        Ok(cluster)
    }

    /// The URL of database `database` on this cluster.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/{database}",
            self.options.port
        )
    }

    /// Stops the cluster if it was started by this process.
    pub fn stop(&mut self) -> anyhow::Result<()> {
        if !self.started_here {
            return Ok(());
        }
        let data_dir = self.options.data_dir.display().to_string();
        let output = self.run(
            self.binaries.tool("pg_ctl"),
            &["-D", &data_dir, "-m", "fast", "-w", "stop"],
        )?;
        self.started_here = false;
        check(output, "pg_ctl stop")
    }

    fn init(&self) -> anyhow::Result<()> {
        let dir = &self.options.data_dir;
        fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
        if let Some(user) = self.run_as {
            chown(dir, user)?;
        }
        let data_dir = dir.display().to_string();
        let output = self.run(
            self.binaries.tool("initdb"),
            &[
                "-D",
                &data_dir,
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-instructions",
            ],
        )?;
        check(output, "initdb")?;

        let mut settings = String::from(
            "\n# Written by efiling: a local cluster reachable on loopback only.\n\
             listen_addresses = '127.0.0.1'\n\
             unix_socket_directories = ''\n\
             max_connections = 200\n",
        );
        if self.options.ephemeral {
            settings.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        }
        let conf = dir.join("postgresql.conf");
        let mut text = fs::read_to_string(&conf)?;
        text.push_str(&settings);
        fs::write(&conf, text)?;
        Ok(())
    }

    fn is_running(&self) -> bool {
        let data_dir = self.options.data_dir.display().to_string();
        matches!(
            self.run(self.binaries.tool("pg_ctl"), &["-D", &data_dir, "status"]),
            Ok(output) if output.status.success()
        )
    }

    fn start(&self) -> anyhow::Result<()> {
        let data_dir = self.options.data_dir.display().to_string();
        let log = self
            .options
            .data_dir
            .join("server.log")
            .display()
            .to_string();
        let port = format!("-p {}", self.options.port);
        let output = self.run(
            self.binaries.tool("pg_ctl"),
            &[
                "-D", &data_dir, "-l", &log, "-o", &port, "-w", "-t", "60", "start",
            ],
        )?;
        check(output, "pg_ctl start").with_context(|| {
            format!(
                "the embedded PostgreSQL did not start on 127.0.0.1:{}; see {log}",
                self.options.port
            )
        })
    }

    fn run(&self, program: PathBuf, args: &[&str]) -> anyhow::Result<Output> {
        let mut command = Command::new(&program);
        command.args(args).env_remove("PGDATA");
        if let Some(user) = self.run_as {
            command.uid(user.uid).gid(user.gid).current_dir("/");
            command.env("HOME", "/var/lib/postgresql");
        }
        command
            .output()
            .with_context(|| format!("cannot run {}", program.display()))
    }
}

impl Drop for LocalCluster {
    /// A cluster started here stops with its owner, even when the owner fails.
    fn drop(&mut self) {
        if let Err(error) = self.stop() {
            tracing::warn!(error = %format!("{error:#}"), "could not stop the local PostgreSQL");
        }
    }
}

fn check(output: Output, what: &str) -> anyhow::Result<()> {
    if output.status.success() {
        return Ok(());
    }
    bail!(
        "{what} failed ({}): {}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout).trim(),
        String::from_utf8_lossy(&output.stderr).trim()
    )
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

fn system_user(name: &str) -> anyhow::Result<SystemUser> {
    let name = CString::new(name)?;
    // SAFETY: getpwnam reads a NUL-terminated string and returns NULL or a pointer to static
    // storage, which is read at once, before any other call could overwrite it.
    let entry = unsafe { libc::getpwnam(name.as_ptr()) };
    if entry.is_null() {
        bail!("no such system user");
    }
    // SAFETY: checked non-null above.
    let (uid, gid) = unsafe { ((*entry).pw_uid, (*entry).pw_gid) };
    Ok(SystemUser { uid, gid })
}

fn chown(path: &Path, user: SystemUser) -> anyhow::Result<()> {
    std::os::unix::fs::chown(path, Some(user.uid), Some(user.gid))
        .with_context(|| format!("cannot hand {} to the postgres user", path.display()))
}

/// Lets other users pass through `dir` (search permission only: they still cannot list
/// it), for the postgres user when the cluster lives under a directory only root may enter.
fn make_traversable(dir: &Path) -> anyhow::Result<()> {
    let mode = fs::metadata(dir)?.permissions().mode();
    if mode & 0o001 == 0 {
        tracing::warn!(
            directory = %dir.display(),
            "adding search permission so the postgres user can reach the data directory"
        );
        fs::set_permissions(dir, fs::Permissions::from_mode(mode | 0o001))?;
    }
    Ok(())
}
