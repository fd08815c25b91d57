package com.fks.execution.intake;

import com.fks.execution.risk.DenialReason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

final class RejectionReasonTest {

    @ParameterizedTest
    @EnumSource(DenialReason.class)
    void shouldAnswerARiskDenialWithTheCodeOfItsNameAs422(DenialReason denial) {
        // when
        RejectionReason reason = RejectionReason.of(denial);

        // then: the code clients and dashboards have always seen for it
        assertThat(reason.code()).isEqualTo(denial.name().toLowerCase());
        assertThat(reason.httpStatus()).isEqualTo(422);
        assertThat(reason.kind()).isEqualTo(RejectionReason.Kind.VALIDATION);
    }
}
