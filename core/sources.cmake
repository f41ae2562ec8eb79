# The kernel core's sources and flags, shared by every platform's build.
set(CORE_DIR ${CMAKE_CURRENT_LIST_DIR})
set(CORE_SOURCES
  ${CORE_DIR}/kalloc.c
  ${CORE_DIR}/kassert.c
  ${CORE_DIR}/kernel.c
  ${CORE_DIR}/proc.c
  ${CORE_DIR}/sched.c
  ${CORE_DIR}/syscall.c
  ${CORE_DIR}/ipc.c
  ${CORE_DIR}/vm.c
  ${CORE_DIR}/rv32.c
  ${CORE_DIR}/rv32_decode.c
  ${CORE_DIR}/rv32_mem.c
  ${CORE_DIR}/elf.c
  ${CORE_DIR}/crc32.c
  ${CORE_DIR}/frame.c
  ${CORE_DIR}/arp.c
  ${CORE_DIR}/netstack.c
  ${CORE_DIR}/cluster.c
  ${CORE_DIR}/session.c
  ${CORE_DIR}/transport.c
  ${CORE_DIR}/balance.c
  ${CORE_DIR}/balance_sync.c
  ${CORE_DIR}/balance_choose.c
  ${CORE_DIR}/balance_policy.c
  ${CORE_DIR}/balance_offer.c
  ${CORE_DIR}/loadinfo.c
  ${CORE_DIR}/migrate.c
  ${CORE_DIR}/migrate_source.c
  ${CORE_DIR}/migrate_target.c
  ${CORE_DIR}/procimage.c
  ${CORE_DIR}/console.c
  ${CORE_DIR}/location.c
  ${CORE_DIR}/kernel_query.c
  ${CORE_DIR}/names.c
)
set(CORE_FREESTANDING_FLAGS -ffreestanding -fno-common -fno-stack-protector)
