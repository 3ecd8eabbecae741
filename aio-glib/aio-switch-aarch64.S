/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* void aio_switch_context (void **save_sp, void *load_sp)
 *
 * Saves the AAPCS64 callee-saved state (x19-x30, d8-d15) on the current
 * stack, stores sp through save_sp, loads load_sp and restores from there.
 */
        .text
        .globl  aio_switch_context
        .hidden aio_switch_context
        .type   aio_switch_context, %function
        .p2align 4
aio_switch_context:
        .cfi_startproc
        sub     sp, sp, #160
        stp     x19, x20, [sp, #0]
        stp     x21, x22, [sp, #16]
        stp     x23, x24, [sp, #32]
        stp     x25, x26, [sp, #48]
        stp     x27, x28, [sp, #64]
        stp     x29, x30, [sp, #80]
        stp     d8,  d9,  [sp, #96]
        stp     d10, d11, [sp, #112]
        stp     d12, d13, [sp, #128]
        stp     d14, d15, [sp, #144]
        mov     x2, sp
        str     x2, [x0]
        mov     sp, x1
        ldp     x19, x20, [sp, #0]
        ldp     x21, x22, [sp, #16]
        ldp     x23, x24, [sp, #32]
        ldp     x25, x26, [sp, #48]
        ldp     x27, x28, [sp, #64]
        ldp     x29, x30, [sp, #80]
        ldp     d8,  d9,  [sp, #96]
        ldp     d10, d11, [sp, #112]
        ldp     d12, d13, [sp, #128]
        ldp     d14, d15, [sp, #144]
        add     sp, sp, #160
        ret
        .cfi_endproc
        .size   aio_switch_context, .-aio_switch_context

/* First code run on a fresh stack: entry (arg), which never returns. */
        .globl  aio_switch_trampoline
        .hidden aio_switch_trampoline
        .type   aio_switch_trampoline, %function
        .p2align 4
aio_switch_trampoline:
        .cfi_startproc
        .cfi_undefined x30
        mov     x0, x19
        blr     x20
        brk     #0
        .cfi_endproc
        .size   aio_switch_trampoline, .-aio_switch_trampoline

        .section .note.GNU-stack,"",%progbits
