#ifndef BACKSIGHT_CCAPSTONE_SHIM_H
#define BACKSIGHT_CCAPSTONE_SHIM_H
#include <capstone/capstone.h>

/*
 * Bounds-checked access to capstone's per-architecture detail. The operand arrays are fixed-size
 * C arrays (tuples in Swift) inside an anonymous union; these helpers return one operand by
 * index, or NULL when the instruction has no detail or the index is out of range.
 */

static inline unsigned backsight_cs_group_count(const cs_insn *insn) {
    return insn->detail ? insn->detail->groups_count : 0;
}

static inline uint8_t backsight_cs_group(const cs_insn *insn, unsigned index) {
    if (!insn->detail || index >= insn->detail->groups_count || index >= 8) return 0;
    return insn->detail->groups[index];
}

static inline unsigned backsight_cs_regs_write_count(const cs_insn *insn) {
    return insn->detail ? insn->detail->regs_write_count : 0;
}

static inline uint16_t backsight_cs_reg_write(const cs_insn *insn, unsigned index) {
    if (!insn->detail || index >= insn->detail->regs_write_count || index >= 20) return 0;
    return insn->detail->regs_write[index];
}

static inline unsigned backsight_cs_regs_read_count(const cs_insn *insn) {
    return insn->detail ? insn->detail->regs_read_count : 0;
}

static inline uint16_t backsight_cs_reg_read(const cs_insn *insn, unsigned index) {
    if (!insn->detail || index >= insn->detail->regs_read_count || index >= 12) return 0;
    return insn->detail->regs_read[index];
}

static inline unsigned backsight_cs_x86_op_count(const cs_insn *insn) {
    return insn->detail ? insn->detail->x86.op_count : 0;
}

static inline const cs_x86_op *backsight_cs_x86_op(const cs_insn *insn, unsigned index) {
    if (!insn->detail || index >= insn->detail->x86.op_count || index >= 8) return NULL;
    return &insn->detail->x86.operands[index];
}

static inline unsigned backsight_cs_arm64_op_count(const cs_insn *insn) {
    return insn->detail ? insn->detail->arm64.op_count : 0;
}

static inline const cs_arm64_op *backsight_cs_arm64_op(const cs_insn *insn, unsigned index) {
    if (!insn->detail || index >= insn->detail->arm64.op_count || index >= 8) return NULL;
    return &insn->detail->arm64.operands[index];
}

static inline bool backsight_cs_arm64_writeback(const cs_insn *insn) {
    return insn->detail ? insn->detail->arm64.writeback : false;
}

static inline int backsight_cs_arm64_cc(const cs_insn *insn) {
    return insn->detail ? (int)insn->detail->arm64.cc : 0;
}

static inline unsigned backsight_cs_arm_op_count(const cs_insn *insn) {
    return insn->detail ? insn->detail->arm.op_count : 0;
}

static inline const cs_arm_op *backsight_cs_arm_op(const cs_insn *insn, unsigned index) {
    if (!insn->detail || index >= insn->detail->arm.op_count || index >= 36) return NULL;
    return &insn->detail->arm.operands[index];
}

static inline bool backsight_cs_arm_writeback(const cs_insn *insn) {
    return insn->detail ? insn->detail->arm.writeback : false;
}

static inline int backsight_cs_arm_cc(const cs_insn *insn) {
    return insn->detail ? (int)insn->detail->arm.cc : 0;
}

static inline unsigned backsight_cs_mips_op_count(const cs_insn *insn) {
    return insn->detail ? insn->detail->mips.op_count : 0;
}

static inline const cs_mips_op *backsight_cs_mips_op(const cs_insn *insn, unsigned index) {
    if (!insn->detail || index >= insn->detail->mips.op_count || index >= 10) return NULL;
    return &insn->detail->mips.operands[index];
}

#endif
