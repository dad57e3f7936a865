// js-md4 ships no types; the emulator uses only its one-shot digest (the NT hash of NTLM).
declare module 'js-md4' {
  const md4: { arrayBuffer(message: ArrayBuffer | Uint8Array | string): ArrayBuffer };
  export default md4;
}
