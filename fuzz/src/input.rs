//! Reading a fuzz input: fixed-size numbers from the front (zero once the bytes run out),
//! then the rest.

/// A cursor over the fuzz input.
pub struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader at the start of `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data }
    }

    /// The next `n` bytes, or fewer at the end.
    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, tail) = self.data.split_at(n.min(self.data.len()));
        self.data = tail;
        head
    }

    /// The next byte. Wider numbers are big-endian, so a seed file is easy to write.
    pub fn u8(&mut self) -> u8 {
        self.take(1).first().copied().unwrap_or(0)
    }

    /// A big-endian `u16`.
    pub fn u16(&mut self) -> u16 {
        let mut b = [0; 2];
        let got = self.take(2);
        b[..got.len()].copy_from_slice(got);
        u16::from_be_bytes(b)
    }

    /// A big-endian `u32`.
    pub fn u32(&mut self) -> u32 {
        (u32::from(self.u16()) << 16) | u32::from(self.u16())
    }

    /// A big-endian `i64`.
    pub fn i64(&mut self) -> i64 {
        ((u64::from(self.u32()) << 32) | u64::from(self.u32())) as i64
    }

    /// Whether no byte is left.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Every byte left.
    pub fn rest(&mut self) -> &'a [u8] {
        self.take(self.data.len())
    }
}

/// The bytes as text (invalid UTF-8 replaced), split at NUL into at most `n` fields; missing
/// fields are empty.
pub fn fields(data: &[u8], n: usize) -> Vec<String> {
    let text = String::from_utf8_lossy(data);
    let mut out: Vec<String> = text.splitn(n, '\0').map(str::to_owned).collect();
    out.resize(n, String::new());
    out
}
