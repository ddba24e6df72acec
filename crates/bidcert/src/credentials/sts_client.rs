//! STS calls of the providers: the core's engine driven by the client's transport, so they
//! get the same retries, budget, user agent, clock-skew correction and error kinds as the API
//! calls.

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};

use bidcert_core::exchange::{Call, Exchange, Policy};
use bidcert_core::{Error, TemporaryCredentials};

use crate::transport::{Proxy, SignerFor, Transport};

/// A transport for STS, with the clock offset its calls learned.
pub(crate) struct StsClient {
    transport: Transport,
    policy: Policy,
    clock_offset: AtomicI64,
}

impl fmt::Debug for StsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StsClient")
            .field("clock_offset", &self.clock_offset.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl StsClient {
    /// STS under the default policy, through the environment's proxy.
    pub(crate) fn new() -> Result<Self, Error> {
        let policy = Policy::default();
        Ok(StsClient {
            transport: Transport::new(policy.user_agent(), &Proxy::FromEnv, 4)?,
            policy,
            clock_offset: AtomicI64::new(0),
        })
    }

    /// Runs `op`, each attempt signed with what `signer` answers for the call.
    pub(crate) fn call<'o, O>(
        &self,
        op: &'o O,
        signer: &mut SignerFor<'_, Call<&'o O>>,
    ) -> Result<TemporaryCredentials, Error>
    where
        O: Exchange<Output = TemporaryCredentials>,
    {
        let offset = self.clock_offset.load(Ordering::Relaxed);
        let (outcome, call) = self.transport.execute(op, &self.policy, offset, signer);
        self.clock_offset
            .store(call.clock_offset(), Ordering::Relaxed);
        outcome
    }
}
