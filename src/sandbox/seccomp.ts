/**
 * A tiny classic-BPF seccomp program that makes ioctl(TIOCSTI) and ioctl(TIOCLINUX) fail with EPERM,
 * assembled here so no compiler or libseccomp is needed. bwrap loads it with `--seccomp FD`.
 *
 * Why seccomp and not `bwrap --new-session`: a new session detaches the agent from the terminal, which does
 * block TIOCSTI, but also stops SIGWINCH (window resizes), Ctrl-C and /dev/tty from reaching it. Filtering the
 * one ioctl keeps the terminal working and still stops the sandboxed process from typing into the user's shell.
 */

// struct seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6]  (little-endian hosts only)
const OFF_NR = 0;
const OFF_ARCH = 4;
/** Low 32 bits of args[1]: the kernel reads the ioctl request as an unsigned int, so the high half must not matter (CVE-2019-10063). */
const OFF_ARG1_LO = 24;

const BPF_LD_W_ABS = 0x20;
const BPF_JEQ_K = 0x15;
const BPF_RET_K = 0x06;

const SECCOMP_RET_ALLOW = 0x7fff0000;
const SECCOMP_RET_ERRNO = 0x00050000;
const EPERM = 1;

export const TIOCSTI = 0x5412;
export const TIOCLINUX = 0x541c;

const X32_BIT = 0x40000000;

/** Per architecture the audit arch value and the syscall numbers of ioctl, including compat ABIs the kernel runs. */
const ARCHES: Record<string, { arch: number; ioctl: number[] }[]> = {
  x64: [
    { arch: 0xc000003e, ioctl: [16, X32_BIT | 16, X32_BIT | 514] }, // x86_64, x32
    { arch: 0x40000003, ioctl: [54] }, // i386 compat
  ],
  arm64: [
    { arch: 0xc00000b7, ioctl: [29] }, // aarch64
    { arch: 0x40000028, ioctl: [54] }, // arm compat
  ],
};

export const seccompSupported = (arch: string = process.arch): boolean => arch in ARCHES;

type Insn = { code: number; jt: number | string; jf: number | string; k: number; label?: string };

function assemble(prog: Insn[]): Buffer {
  const labels = new Map<string, number>();
  prog.forEach((ins, i) => ins.label && labels.set(ins.label, i));
  const buf = Buffer.alloc(prog.length * 8);
  prog.forEach((ins, i) => {
    const rel = (j: number | string) => {
      if (typeof j === 'number') return j;
      const target = labels.get(j);
      if (target === undefined || target <= i || target - i - 1 > 255) throw new Error(`seccomp: bad jump to ${j}`);
      return target - i - 1;
    };
    buf.writeUInt16LE(ins.code, i * 8);
    buf.writeUInt8(rel(ins.jt), i * 8 + 2);
    buf.writeUInt8(rel(ins.jf), i * 8 + 3);
    buf.writeUInt32LE(ins.k >>> 0, i * 8 + 4);
  });
  return buf;
}

/**
 * The filter for `arch` (node's process.arch: x64 or arm64). Unknown audit arches get EPERM for every
 * syscall: the kernel can only run the ABIs listed, so anything else is not something a real program uses.
 */
export function tiocstiFilter(arch: string = process.arch): Buffer {
  const table = ARCHES[arch];
  if (!table) throw new Error(`no seccomp filter for ${arch}`);
  const p: Insn[] = [{ code: BPF_LD_W_ABS, jt: 0, jf: 0, k: OFF_ARCH }];
  table.forEach((a, i) => {
    // A holds the arch here; on a match load the syscall number, else try the next arch.
    p.push({ code: BPF_JEQ_K, jt: 0, jf: `arch${i + 1}`, k: a.arch, label: `arch${i}` });
    p.push({ code: BPF_LD_W_ABS, jt: 0, jf: 0, k: OFF_NR });
    for (const nr of a.ioctl) p.push({ code: BPF_JEQ_K, jt: 'check', jf: 0, k: nr });
    p.push({ code: BPF_RET_K, jt: 0, jf: 0, k: SECCOMP_RET_ALLOW });
  });
  p.push({ code: BPF_RET_K, jt: 0, jf: 0, k: SECCOMP_RET_ERRNO | EPERM, label: `arch${table.length}` });
  p.push({ code: BPF_LD_W_ABS, jt: 0, jf: 0, k: OFF_ARG1_LO, label: 'check' });
  p.push({ code: BPF_JEQ_K, jt: 'deny', jf: 0, k: TIOCSTI });
  p.push({ code: BPF_JEQ_K, jt: 'deny', jf: 0, k: TIOCLINUX });
  p.push({ code: BPF_RET_K, jt: 0, jf: 0, k: SECCOMP_RET_ALLOW });
  p.push({ code: BPF_RET_K, jt: 0, jf: 0, k: SECCOMP_RET_ERRNO | EPERM, label: 'deny' });
  return assemble(p);
}

/** Decoded instructions, for tests and debugging: [code, jt, jf, k]. */
export function disassemble(buf: Buffer): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  for (let i = 0; i < buf.length; i += 8) out.push([buf.readUInt16LE(i), buf.readUInt8(i + 2), buf.readUInt8(i + 3), buf.readUInt32LE(i + 4)]);
  return out;
}
