//! What the providers read from their process: environment variables and the home directory,
//! so that a test, an embedding or a binding can hand them another set.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// The environment the providers read: the process's, another one, or either with variables
/// set or removed. An empty value counts as unset, as in the official libraries.
///
/// `Debug` shows the names of the variables set or removed, never their values.
///
/// ```
/// use bidcert::credentials::Env;
/// let env = Env::empty()
///     .with("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tExample")
///     .with("ALIBABA_CLOUD_PROFILE", "");
/// assert_eq!(env.var("ALIBABA_CLOUD_ACCESS_KEY_ID").as_deref(), Some("LTAI5tExample"));
/// assert_eq!(env.var("ALIBABA_CLOUD_PROFILE"), None);
/// assert!(!format!("{env:?}").contains("LTAI5tExample"));
/// ```
#[derive(Clone, Default)]
pub struct Env {
    process: bool,
    // `None`: removed.
    vars: BTreeMap<String, Option<String>>,
}

impl Env {
    /// The process's environment, read when a provider asks (`HOME`, or `USERPROFILE`, is
    /// the home directory).
    pub fn process() -> Env {
        Env {
            process: true,
            vars: BTreeMap::new(),
        }
    }

    /// No variables at all: no credentials, no home directory, until [`Env::with`] sets them.
    pub fn empty() -> Env {
        Env::default()
    }

    /// This environment with `name` set to `value`.
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Env {
        self.vars.insert(name.into(), Some(value.into()));
        self
    }

    /// This environment without `name`.
    pub fn without(mut self, name: impl Into<String>) -> Env {
        self.vars.insert(name.into(), None);
        self
    }

    /// The value of `name`, unless it is unset or empty.
    pub fn var(&self, name: &str) -> Option<String> {
        let value = match self.vars.get(name) {
            Some(v) => v.clone(),
            None if self.process => std::env::var(name).ok(),
            None => None,
        };
        value.filter(|v| !v.is_empty())
    }

    /// `given`, unless it is unset or empty, else the value of `name`: how every provider
    /// reads a setting its configuration may leave to the environment.
    pub(crate) fn or_var(&self, given: &Option<String>, name: &str) -> Option<String> {
        given
            .clone()
            .filter(|v| !v.is_empty())
            .or_else(|| self.var(name))
    }

    /// The first of `names` that is set.
    pub fn first(&self, names: &[&str]) -> Option<String> {
        names.iter().find_map(|n| self.var(n))
    }

    /// Whether `name` is `true`, in any case (how the official libraries read their switches).
    pub fn is_true(&self, name: &str) -> bool {
        self.var(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    /// The home directory: `HOME`, else `USERPROFILE`.
    pub fn home(&self) -> Option<PathBuf> {
        self.first(&["HOME", "USERPROFILE"]).map(PathBuf::from)
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set: Vec<&str> = self
            .vars
            .iter()
            .filter(|(_, v)| v.is_some())
            .map(|(k, _)| k.as_str())
            .collect();
        let removed: Vec<&str> = self
            .vars
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|(k, _)| k.as_str())
            .collect();
        f.debug_struct("Env")
            .field("process", &self.process)
            .field("set", &set)
            .field("removed", &removed)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_win_and_removal_hides_the_process_value() {
        let env = Env::process().with("BIDCERT_TEST_ONLY_VAR", "x");
        assert_eq!(env.var("BIDCERT_TEST_ONLY_VAR").as_deref(), Some("x"));
        let env = Env::process().without("PATH");
        assert_eq!(env.var("PATH"), None);
        assert!(Env::empty().with("A", "TRUE").is_true("A"));
        assert!(!Env::empty().with("A", "1").is_true("A"));
        assert_eq!(
            Env::empty().with("USERPROFILE", "/u").home(),
            Some(PathBuf::from("/u"))
        );
    }
}
