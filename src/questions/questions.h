// The questions module's public face: the question model with its grading
// (question.h), the interchange formats (interchange.h) and item analysis
// (analysis.h). Other modules include this header only.
#pragma once

#include "questions/analysis.h"
#include "questions/interchange.h"
#include "questions/question.h"
