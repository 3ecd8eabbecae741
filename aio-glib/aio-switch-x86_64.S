/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* void aio_switch_context (void **save_sp, void *load_sp)
 *
 * Pushes the System V callee-saved registers (rbp, rbx, r12-r15) on the
 * current stack, stores the stack pointer through save_sp, loads load_sp
 * and pops the same registers from there.
 *
 * The MXCSR and x87 control words are left alone: coroutines share the
 * thread's floating-point environment, as callbacks of one main loop do,
 * and reloading them would cost more than the rest of the switch.
 */
        .text
        .globl  aio_switch_context
        .hidden aio_switch_context
        .type   aio_switch_context, @function
        .p2align 4
aio_switch_context:
        .cfi_startproc
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        movq    %rsp, (%rdi)
        movq    %rsi, %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        ret
        .cfi_endproc
        .size   aio_switch_context, .-aio_switch_context

/* First code run on a fresh stack: entry (arg), which never returns. */
        .globl  aio_switch_trampoline
        .hidden aio_switch_trampoline
        .type   aio_switch_trampoline, @function
        .p2align 4
aio_switch_trampoline:
        .cfi_startproc
        .cfi_undefined rip
        movq    %r12, %rdi
        callq   *%r13
        ud2
        .cfi_endproc
        .size   aio_switch_trampoline, .-aio_switch_trampoline

        .section .note.GNU-stack,"",@progbits
