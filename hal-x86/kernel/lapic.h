/*
 * lapic.h - the local APIC, set to pass the 8259's interrupts through
 * (virtual wire mode: LINT0 as ExtINT, LINT1 as NMI). SeaBIOS leaves it
 * so; qboot leaves LINT0 masked, and then no device interrupt arrives.
 * The APIC's own spurious interrupts use LAPIC_SPURIOUS_VECTOR.
 */
#ifndef HAL_X86_LAPIC_H
#define HAL_X86_LAPIC_H

#define LAPIC_SPURIOUS_VECTOR 63u /* the low four bits must be set on old CPUs */

/* Nothing to do on a CPU without a local APIC. */
void lapic_init_virtual_wire(void);

#endif
