//! The system call the standard library does not offer: `sendmmsg(2)`. The only unsafe code
//! of the crate.
#![allow(unsafe_code)]

use std::io;
use std::net::SocketAddrV4;
use std::os::fd::AsRawFd;

/// Most messages the kernel takes in one `sendmmsg` call (`UIO_MAXIOV`).
const MAX_BATCH: usize = 1024;

/// An IPv4 destination in the kernel's layout, built once per receiver.
#[derive(Clone, Copy)]
pub(crate) struct RawAddr(libc::sockaddr_in);

impl RawAddr {
    pub(crate) fn new(addr: SocketAddrV4) -> RawAddr {
        RawAddr(libc::sockaddr_in {
            sin_family: libc::AF_INET as libc::sa_family_t,
            sin_port: addr.port().to_be(),
            sin_addr: libc::in_addr {
                s_addr: u32::from(*addr.ip()).to_be(),
            },
            sin_zero: [0; 8],
        })
    }
}

/// Sends `datagrams[i]` to `addrs[i]` for every `i`, [`MAX_BATCH`] per system call. A
/// datagram the kernel refuses (e.g. `ECONNREFUSED` from a receiver that went away) is
/// skipped; returns how many were sent.
///
/// # Panics
/// If the two slices differ in length (a caller bug).
pub(crate) fn send_batch(
    socket: &impl AsRawFd,
    datagrams: &[Vec<u8>],
    addrs: &[RawAddr],
) -> io::Result<usize> {
    assert_eq!(datagrams.len(), addrs.len());
    let mut sent = 0;
    let mut next = 0;
    while next < datagrams.len() {
        let end = datagrams.len().min(next + MAX_BATCH);
        let mut iovecs: Vec<libc::iovec> = datagrams[next..end]
            .iter()
            .map(|d| libc::iovec {
                iov_base: d.as_ptr() as *mut libc::c_void,
                iov_len: d.len(),
            })
            .collect();
        let mut headers: Vec<libc::mmsghdr> = iovecs
            .iter_mut()
            .zip(&addrs[next..end])
            .map(|(iov, addr)| {
                // SAFETY: an all-zero msghdr is valid (null pointers with zero lengths).
                let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
                msg.msg_name = &addr.0 as *const libc::sockaddr_in as *mut libc::c_void;
                msg.msg_namelen = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
                msg.msg_iov = iov as *mut libc::iovec;
                msg.msg_iovlen = 1;
                libc::mmsghdr {
                    msg_hdr: msg,
                    msg_len: 0,
                }
            })
            .collect();
        // SAFETY: `headers` points into `iovecs`, `addrs` and `datagrams`, all alive and
        // unmoved for the duration of the call; the kernel only reads them and writes
        // `msg_len`.
        let n = unsafe {
            libc::sendmmsg(
                socket.as_raw_fd(),
                headers.as_mut_ptr(),
                headers.len() as libc::c_uint,
                0,
            )
        };
        if n < 0 {
            let err = io::Error::last_os_error();
            match err.kind() {
                io::ErrorKind::Interrupted => continue,
                // The first message failed: skip it and go on with the rest.
                io::ErrorKind::ConnectionRefused | io::ErrorKind::WouldBlock => next += 1,
                _ => return Err(err),
            }
        } else {
            sent += n as usize;
            next += n as usize;
        }
    }
    Ok(sent)
}
