/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    /** Set while rendering when a CMS read had to fall back to nothing (see layouts/Base.astro). */
    degraded?: boolean;
  }
}
