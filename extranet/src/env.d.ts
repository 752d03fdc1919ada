/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    runtime: import('./lib/runtime.ts').Runtime;
    user: import('./lib/guard.ts').CurrentUser | null;
    sessionToken: string | null;
  }
}

declare module '*.txt?raw' {
  const content: string;
  export default content;
}
